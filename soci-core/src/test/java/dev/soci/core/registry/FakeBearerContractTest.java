package dev.soci.core.registry;

import dev.soci.core.registry.testing.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The contract against the in-process fake with bearer tokens from its realm. */
class FakeBearerContractTest extends RepositoryContract {
  private FakeRegistry fake;
  private Registry client;

  @BeforeEach
  void start() throws Exception {
    fake = FakeRegistry.builder().bearerAuth("bob", "pw").tagsPageSize(2).start();
    client = quick().credentials("bob", "pw").build();
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
