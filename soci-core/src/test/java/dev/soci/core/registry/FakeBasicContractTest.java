package dev.soci.core.registry;

import dev.soci.core.registry.testing.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The contract against the in-process fake with HTTP basic authentication. */
class FakeBasicContractTest extends RepositoryContract {
  private FakeRegistry fake;
  private Registry client;

  @BeforeEach
  void start() throws Exception {
    fake = FakeRegistry.builder().basicAuth("alice", "pa:ss").start();
    client = quick().credentials("alice:pa:ss").build();
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
