package dev.soci.core.registry;

import dev.soci.core.registry.testing.RegistryProcess;
import dev.soci.core.registry.testing.TokenIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against Debian's {@code docker-registry} (distribution 2.8) on loopback with token
 * authentication (JWT issuer run by the test). Distribution 2.8 has no referrers API (the client
 * uses the fallback tag); the test configuration enables deletes.
 */
class DistributionTokenContractTest extends RepositoryContract {
  private RegistryProcess registry;
  private TokenIssuer issuer;
  private Registry client;

  @BeforeAll
  static void installed() {
    RegistryProcess.assumeAvailable();
  }

  @BeforeEach
  void start() throws Exception {
    issuer = TokenIssuer.builder().user("bob", "pw").start();
    registry = RegistryProcess.startWithTokenAuth(issuer);
    client = quick().credentials("bob", "pw").build();
  }

  @AfterEach
  void stop() {
    registry.close();
    issuer.close();
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
