package dev.soci.common.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesAndReplacesWithOrdinaryPermissions() throws IOException {
    Path f = dir.resolve("out.bin");
    AtomicFiles.write(f, new byte[] {1, 2, 3});
    AtomicFiles.write(f, new byte[] {4});
    assertThat(Files.readAllBytes(f)).containsExactly(4);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r--r--");
    assertThat(listing()).containsExactly("out.bin");
  }

  @Test
  void keepsAnExistingFileWhenNotReplacing() throws IOException {
    Path f = dir.resolve("keep.txt");
    Files.writeString(f, "mine");
    assertThatThrownBy(() -> AtomicFiles.write(f, false, out -> out.write('x')))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(f)).isEqualTo("mine");
    assertThat(listing()).containsExactly("keep.txt");
  }

  @Test
  void aFailedWriteLeavesTheTargetAndNoTemporaryFile() throws IOException {
    Path f = dir.resolve("target");
    Files.writeString(f, "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    f,
                    true,
                    out -> {
                      out.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("source failed");
                    }))
        .hasMessage("source failed");
    assertThat(Files.readString(f)).isEqualTo("old");
    assertThat(listing()).containsExactly("target");
  }

  private java.util.List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
