package dev.soci.ztoc.gzip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding with worker threads must report exactly what sequential decoding reports: the same data,
 * the same boundaries with the same windows, the same member ends, and on corrupt input the same
 * exception with the same message and offset.
 */
class SpeculativeDecodingTest {
  /** The smallest stretch, so that a few MB of input make dozens of them. */
  private static final int STRETCH = 1 << 16;

  @TempDir static Path tmp;
  static Map<String, byte[]> streams;

  @BeforeAll
  static void produce() {
    if (streams == null) {
      streams = GzipProducers.all(GzipProducers.payload(7, 3_000_000), tmp);
    }
  }

  static Stream<Arguments> producers() {
    produce();
    return streams.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("producers")
  void reportsWhatSequentialDecodingReports(String name, byte[] gz) throws IOException {
    Path file = write(name, gz);
    Outcome sequential = decode(gz, null);
    for (int workers : new int[] {1, 3}) {
      try (SpeculativeDecoding s =
          SpeculativeDecoding.start(file, gz.length, workers, STRETCH, true)) {
        Outcome parallel = decode(gz, s);
        assertThat(parallel.events).as("%d workers", workers).isEqualTo(sequential.events);
        assertThat(parallel.failure).isNull();
        if (!name.equals("jdk-0")) { // stored blocks only: nothing to find, all decoded in sequence
          assertThat(s.adoptedStretches()).as("stretches decoded ahead and used").isPositive();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("producers")
  void productionHeuristicsChangeNothingEither(String name, byte[] gz) throws IOException {
    Path file = write(name, gz);
    try (SpeculativeDecoding s = SpeculativeDecoding.start(file, gz.length, 2, STRETCH, false)) {
      assertThat(decode(gz, s).events).isEqualTo(decode(gz, null).events);
    }
  }

  @Test
  void corruptInputFailsExactlyLikeSequentialDecoding() throws IOException {
    byte[] original = streams.get("jdk-6");
    Random random = new Random(11);
    int failures = 0;
    for (int round = 0; round < 60; round++) {
      byte[] gz = original.clone();
      int flips = 1 + random.nextInt(3);
      for (int i = 0; i < flips; i++) {
        int at = 20 + random.nextInt(gz.length - 40);
        gz[at] ^= (byte) (1 + random.nextInt(255));
      }
      Outcome sequential = sameAsSequential("corrupt-" + round, gz, 2);
      failures += sequential.failure != null ? 1 : 0;
    }
    assertThat(failures).as("most mutations are detected").isGreaterThan(40);
  }

  @Test
  void truncatedInputFailsExactlyLikeSequentialDecoding() throws IOException {
    byte[] original = streams.get("gzip-6") != null ? streams.get("gzip-6") : streams.get("jdk-6");
    for (int cut :
        new int[] {original.length / 3, original.length / 2 + 12345, original.length - 9}) {
      byte[] gz = Arrays.copyOf(original, cut);
      assertThat(sameAsSequential("truncated-" + cut, gz, 2).failure).contains("unexpected end");
    }
  }

  @Test
  void aStreamOfManySmallMembersSplicesOnlyWithinMembers() throws IOException {
    byte[] payload = GzipProducers.payload(3, 2_000_000);
    List<byte[]> members = new ArrayList<>();
    for (int off = 0; off < payload.length; off += 150_000) {
      members.add(GzipProducers.jdk(payload, 6, 0, off, Math.min(150_000, payload.length - off)));
    }
    byte[] gz = GzipProducers.concat(members.toArray(new byte[0][]));
    sameAsSequential("members", gz, 2);
  }

  @Test
  void aReferenceToBeforeTheMemberIsReportedAsSequentialDecodingDoes() throws IOException {
    // The second member starts with a match reaching back before it; a worker cannot tell.
    byte[] text = GzipProducers.payload(5, 600_000);
    byte[] gz = GzipProducers.concat(GzipProducers.jdk(text, 6, 0), GzipProducers.jdk(text, 6, 0));
    sameAsSequential("two-members", gz, 1);
  }

  @Test
  void rejectsNonsenseArguments() throws IOException {
    Path file = write("x", streams.get("jdk-6"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SpeculativeDecoding.start(file, 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
    try (SpeculativeDecoding s = SpeculativeDecoding.start(file, 10, 1)) {
      GzipDecoder used =
          GzipDecoder.resumeAt(
              new ByteArrayInputStream(new byte[0]),
              new dev.soci.ztoc.zinfo.Checkpoint(10, 0, 0, new byte[32768]));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> used.speculate(s))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /**
   * Decodes {@code gz} alone and with {@code workers} patient workers over small stretches, asserts
   * both report the same events and failure, and returns what decoding alone reported.
   */
  private static Outcome sameAsSequential(String name, byte[] gz, int workers) throws IOException {
    Path file = write(name, gz);
    Outcome sequential = decode(gz, null);
    try (SpeculativeDecoding s =
        SpeculativeDecoding.start(file, gz.length, workers, STRETCH, true)) {
      Outcome parallel = decode(gz, s);
      assertThat(parallel.failure).as(name).isEqualTo(sequential.failure);
      assertThat(parallel.events).as(name).isEqualTo(sequential.events);
    }
    return sequential;
  }

  private static Path write(String name, byte[] gz) throws IOException {
    Path file = tmp.resolve(name + ".gz");
    Files.write(file, gz);
    return file;
  }

  /**
   * Everything a decode reports, as text: data CRCs at each boundary, windows, member ends,
   * failure.
   */
  record Outcome(List<String> events, String failure) {}

  static Outcome decode(byte[] gz, SpeculativeDecoding speculation) {
    List<String> events = new ArrayList<>();
    CRC32 data = new CRC32();
    long[] length = {0};
    InputStream in = new ByteArrayInputStream(gz);
    GzipDecoder d = new GzipDecoder(in);
    if (speculation != null) {
      d.speculate(speculation);
    }
    String failure = null;
    try {
      d.decode(
          new GzipListener() {
            @Override
            public void onData(byte[] buf, int off, int len) {
              data.update(buf, off, len);
              length[0] += len;
            }

            @Override
            public void onBoundary(BlockBoundary b) {
              byte[] window = new byte[32768];
              b.copyWindow(window, 0);
              CRC32 w = new CRC32();
              w.update(window);
              events.add(
                  b
                      + " data="
                      + length[0]
                      + "/"
                      + Long.toHexString(data.getValue())
                      + " window="
                      + Long.toHexString(w.getValue()));
            }

            @Override
            public void onMemberEnd(long in, long out) {
              events.add("member end " + in + " " + out);
            }
          });
    } catch (IOException e) {
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    if (failure == null) {
      // After a failure, how much of the broken block was handed out first is not a contract.
      events.add("data=" + length[0] + "/" + Long.toHexString(data.getValue()));
    }
    return new Outcome(events, failure);
  }
}
