package dev.soci.benchmarks;

import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SHA-256 of a 4 MiB span: the JDK's MessageDigest (SHA-NI intrinsics) against Bouncy Castle's
 * pure-Java digest. This is why hot paths use the JDK.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SpanDigestBenchmark {
  private final byte[] span = new byte[4 << 20];

  @Setup
  public void setup() {
    new Random(3).nextBytes(span);
  }

  @Benchmark
  public byte[] jdkMessageDigest() throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(span);
  }

  @Benchmark
  public byte[] bouncyCastle() {
    SHA256Digest d = new SHA256Digest();
    d.update(span, 0, span.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return out;
  }
}
