package dev.soci.core.registry;

import dev.soci.core.registry.testing.FakeRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The contract against the in-process fake with a referrers API that does not filter. */
class FakeUnfilteredReferrersContractTest extends RepositoryContract {
  private FakeRegistry fake;
  private Registry client;

  @BeforeEach
  void start() throws Exception {
    fake = FakeRegistry.builder().referrersFiltering(false).referrersPageSize(1).start();
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
