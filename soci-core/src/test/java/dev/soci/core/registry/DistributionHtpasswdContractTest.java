package dev.soci.core.registry;

import dev.soci.core.registry.testing.RegistryProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against Debian's {@code docker-registry} (distribution 2.8) on loopback with
 * htpasswd basic authentication. Distribution 2.8 has no referrers API (the client uses the
 * fallback tag); the test configuration enables deletes.
 */
class DistributionHtpasswdContractTest extends RepositoryContract {
  private RegistryProcess registry;
  private Registry client;

  @BeforeAll
  static void installed() {
    RegistryProcess.assumeAvailable();
  }

  @BeforeEach
  void start() throws Exception {
    registry = RegistryProcess.startWithBasicAuth("alice", "s3cret");
    client = quick().credentials("alice", "s3cret").build();
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
