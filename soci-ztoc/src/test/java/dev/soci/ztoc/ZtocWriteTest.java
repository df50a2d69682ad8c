package dev.soci.ztoc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZtocWriteTest {
  @TempDir Path dir;

  private static Ztoc ztoc(long compressedSize) {
    return Ztoc.assembler()
        .compressedArchiveSize(compressedSize)
        .uncompressedArchiveSize(compressedSize * 2)
        .build();
  }

  private long filesIn(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void writesTheEncodedBytesAndLeavesNoTemporaryFile() throws Exception {
    Ztoc z = ztoc(10);
    Path f = dir.resolve("layer.ztoc");
    z.write(f);
    assertThat(Files.readAllBytes(f)).isEqualTo(z.encode());
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void writingTheSameZtocAgainIsHarmless() throws Exception {
    Path f = dir.resolve("layer.ztoc");
    ztoc(10).write(f);
    ztoc(10).write(f);
    assertThat(Files.readAllBytes(f)).isEqualTo(ztoc(10).encode());
    assertThat(filesIn(dir)).isEqualTo(1);
  }

  @Test
  void neverReplacesAFileWithOtherContent() throws Exception {
    Path f = dir.resolve("layer.ztoc");
    ztoc(10).write(f);
    assertThatThrownBy(() -> ztoc(11).write(f))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("layer.ztoc")
        .hasMessageContaining("not overwritten");
    assertThat(Files.readAllBytes(f)).isEqualTo(ztoc(10).encode());

    Path other = dir.resolve("notes.txt");
    Files.writeString(other, "mine");
    assertThatThrownBy(() -> ztoc(10).write(other)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(other)).isEqualTo("mine");

    Path sub = Files.createDirectory(dir.resolve("sub"));
    assertThatThrownBy(() -> ztoc(10).write(sub)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(filesIn(dir)).isEqualTo(3);
  }
}
