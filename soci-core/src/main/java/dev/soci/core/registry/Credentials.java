package dev.soci.core.registry;

/**
 * Credentials for one registry: a user name and password, or an identity token (an OAuth2 refresh
 * token, docker's {@code identitytoken}). {@link #toString()} never shows the secrets.
 */
record Credentials(String username, String password, String identityToken) {
  static final Credentials ANONYMOUS = new Credentials(null, null, null);

  boolean isAnonymous() {
    return identityToken == null && (username == null || username.isEmpty());
  }

  boolean hasPassword() {
    return username != null && !username.isEmpty() && password != null;
  }

  @Override
  public String toString() {
    if (isAnonymous()) {
      return "anonymous";
    }
    return identityToken != null ? "identity token" : "user " + username;
  }
}
