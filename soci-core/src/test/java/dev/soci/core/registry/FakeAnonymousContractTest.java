package dev.soci.core.registry;

import dev.soci.core.registry.testing.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract against the in-process fake with no authentication, small tag and referrer pages.
 */
class FakeAnonymousContractTest extends RepositoryContract {
  private FakeRegistry fake;
  private Registry client;

  @BeforeEach
  void start() throws Exception {
    fake = FakeRegistry.builder().tagsPageSize(3).referrersPageSize(1).start();
    client = quick().anonymous().build();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Override
  Registry client() {
    return client;
  }

  @Override
  String host() {
    return fake.host();
  }
}
