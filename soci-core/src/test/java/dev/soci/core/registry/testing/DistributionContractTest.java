package dev.soci.core.registry.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;

/**
 * The {@link DistributionContract} against Debian's {@code docker-registry} (distribution 2.8) and
 * {@link FakeRegistry}, each anonymous, with Basic and with bearer-token authentication.
 */
class DistributionContractTest {
  /** What distribution 2.8 (Debian's docker-registry) cannot do, seen on 2.8.2. */
  private static final Map<DistributionContract.Deviation, String> DISTRIBUTION_2_8 =
      Map.of(
          DistributionContract.Deviation.NO_REFERRERS_API,
          "distribution 2.8 has no referrers API (GET /v2/<name>/referrers/<digest> is 404)",
          DistributionContract.Deviation.PATCH_IGNORES_CONTENT_RANGE,
          "distribution 2.8 ignores Content-Range on PATCH and appends an out-of-order chunk"
              + " (416 came with 3.0)",
          DistributionContract.Deviation.BROKEN_416,
          "distribution 2.8 answers an unsatisfiable Range with 416 but the blob's"
              + " Content-Length and a short body (the client sees a truncated response)",
          DistributionContract.Deviation.UNSORTED_TAGS,
          "distribution 2.8 lists tags in storage order",
          DistributionContract.Deviation.TAGS_IGNORE_PAGINATION,
          "distribution 2.8 ignores n and last on the tags list (pagination came with 3.0)");

  private static DistributionContract.Target real(RegistryProcess registry, TokenIssuer issuer) {
    return new DistributionContract.Target() {
      @Override
      public URI baseUri() {
        return registry.baseUri();
      }

      @Override
      public Optional<String> authorization(List<Scope> scopes) {
        return registry.authorization(scopes);
      }

      @Override
      public Map<DistributionContract.Deviation, String> deviations() {
        return DISTRIBUTION_2_8;
      }

      @Override
      public void close() {
        registry.close();
        if (issuer != null) {
          issuer.close();
        }
      }
    };
  }

  private static DistributionContract.Target fake(FakeRegistry registry) {
    return new DistributionContract.Target() {
      @Override
      public URI baseUri() {
        return registry.baseUri();
      }

      @Override
      public Optional<String> authorization(List<Scope> scopes) {
        return registry.authorization(scopes);
      }

      @Override
      public Map<DistributionContract.Deviation, String> deviations() {
        return Map.of();
      }

      @Override
      public void close() {
        registry.close();
      }
    };
  }

  @Nested
  class RealPlain extends DistributionContract {
    @Override
    Target start() throws IOException {
      RegistryProcess.assumeAvailable();
      return real(RegistryProcess.startPlain(), null);
    }
  }

  @Nested
  class RealBasicAuth extends DistributionContract {
    @Override
    Target start() throws IOException {
      RegistryProcess.assumeAvailable();
      return real(RegistryProcess.startWithBasicAuth("contract", "contract-password"), null);
    }
  }

  @Nested
  class RealTokenAuth extends DistributionContract {
    @Override
    Target start() throws IOException {
      RegistryProcess.assumeAvailable();
      TokenIssuer issuer = TokenIssuer.start();
      try {
        return real(RegistryProcess.startWithTokenAuth(issuer), issuer);
      } catch (IOException | RuntimeException e) {
        issuer.close();
        throw e;
      }
    }
  }

  @Nested
  class FakePlain extends DistributionContract {
    @Override
    Target start() throws IOException {
      return fake(FakeRegistry.start());
    }
  }

  @Nested
  class FakeBasicAuth extends DistributionContract {
    @Override
    Target start() throws IOException {
      return fake(FakeRegistry.builder().basicAuth("contract", "contract-password").start());
    }
  }

  @Nested
  class FakeBearerAuth extends DistributionContract {
    @Override
    Target start() throws IOException {
      return fake(FakeRegistry.builder().bearerAuth().start());
    }
  }

  @Nested
  class FakeWithoutReferrersApi extends DistributionContract {
    @Override
    Target start() throws IOException {
      FakeRegistry registry = FakeRegistry.builder().withoutReferrersApi().start();
      return new DistributionContract.Target() {
        @Override
        public URI baseUri() {
          return registry.baseUri();
        }

        @Override
        public Optional<String> authorization(List<Scope> scopes) {
          return Optional.empty();
        }

        @Override
        public Map<DistributionContract.Deviation, String> deviations() {
          return Map.of(
              DistributionContract.Deviation.NO_REFERRERS_API,
              "the fake was started without the referrers API");
        }

        @Override
        public void close() {
          registry.close();
        }
      };
    }
  }
}
