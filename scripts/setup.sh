#!/usr/bin/env bash
# Installs what building and testing soci-java needs on a fresh Debian machine (idempotent):
# a JDK 17+, Maven, the gzip producers the tests compare against, and umoci and skopeo
# (the SOCI index tests make and read real OCI image layouts with them), and Debian's
# docker-registry (distribution 2.8) with htpasswd (apache2-utils) for the registry tests,
# which fail rather than skip under CI=true when these are missing.
set -euo pipefail
packages=(maven pigz busybox libdeflate-tools zopfli python3 tar gzip umoci skopeo
  docker-registry apache2-utils)
command -v javac >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
