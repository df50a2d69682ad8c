package dev.soci.core.registry;

import dev.soci.core.registry.testing.RegistryProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against Debian's {@code docker-registry} (distribution 2.8) on loopback with no
 * authentication. Distribution 2.8 has no referrers API (the client uses the fallback tag); the
 * test configuration enables deletes.
 */
class DistributionPlainContractTest extends RepositoryContract {
  private RegistryProcess registry;
  private Registry client;

  @BeforeAll
  static void installed() {
    RegistryProcess.assumeAvailable();
  }

  @BeforeEach
  void start() throws Exception {
    registry = RegistryProcess.startPlain();
    client = quick().anonymous().build();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  @Override
  Registry client() {
    return client;
  }

  @Override
  String host() {
    return registry.host();
  }
}
