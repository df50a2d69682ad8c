#!/usr/bin/env bash
# Checks README.md's promise to library users: a new Maven project that copies README's
# dependency block (taken from README's xml block verbatim, so drift fails here) and the tour's
# programs (the example sources README links to) compiles offline against the installed
# artifacts, and runs on the class path and on the module path (with README's `requires` as its
# module-info). Runs IndexLayer (its zTOC must equal upstream's bytes) and ReadFile (the file read
# through upstream's zTOC must have the digest upstream's extraction has) both ways.
#
# Installs soci-bom, soci-core and the modules it needs into the Maven local repository, so run
# it in CI or against a copy of ~/.m2 (never install into a repository others share):
#   cp -a ~/.m2/repository /tmp/m2-consumer
#   SOCI_M2_REPO=/tmp/m2-consumer scripts/consumer-check.sh
# Usage: scripts/consumer-check.sh   (SOCI_M2_REPO: the local repository; default Maven's own)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
repo_args=()
[[ -n "${SOCI_M2_REPO:-}" ]] && repo_args=("-Dmaven.repo.local=$SOCI_M2_REPO")

fail() {
  echo "consumer-check: $*" >&2
  exit 1
}

mvn -B -q "${repo_args[@]}" install -pl soci-bom,soci-core -am -DskipTests \
  -Dspotless.check.skip=true -Dmaven.javadoc.skip=true

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
app="$work/app"
src="$app/src/main/java"
mkdir -p "$src/dev/soci/examples"

# README's Maven block, verbatim, and the version pins of the plugins the build uses (the
# project's own, so the offline build finds them in the local repository).
python3 - "$root" "$app/pom.xml" <<'EOF'
import re, sys
root, out = sys.argv[1], sys.argv[2]
readme = open(f"{root}/README.md", encoding="utf-8").read()
blocks = re.findall(r"(?ms)^```xml\n(.*?)^```", readme)
if len(blocks) != 1 or "soci-bom" not in blocks[0]:
    sys.exit(f"consumer-check: expected one ```xml block naming soci-bom in README.md, found {len(blocks)}")
parent = open(f"{root}/pom.xml", encoding="utf-8").read()
def version(plugin):
    m = re.search(r"<artifactId>" + plugin + r"</artifactId>\s*<version>([^<]+)</version>", parent)
    if not m:
        sys.exit(f"consumer-check: no version of {plugin} in pom.xml")
    return m.group(1)
plugins = "".join(
    f"""
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>{p}</artifactId>
        <version>{version(p)}</version>
      </plugin>"""
    for p in ("maven-resources-plugin", "maven-compiler-plugin", "maven-jar-plugin",
              "maven-dependency-plugin", "maven-clean-plugin", "maven-install-plugin",
              "maven-surefire-plugin"))
open(out, "w", encoding="utf-8").write(f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>app</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
{blocks[0]}
  <build>
    <pluginManagement>
      <plugins>{plugins}
      </plugins>
    </pluginManagement>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <executions>
          <execution>
            <phase>package</phase>
            <goals><goal>copy-dependencies</goal></goals>
            <configuration>
              <outputDirectory>${{project.build.directory}}/lib</outputDirectory>
              <includeScope>runtime</includeScope>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
</project>
""")

# README's module block, verbatim.
blocks = re.findall(r"(?ms)^```\n(module [\w.]+ \{\n.*?)^```", readme)
if len(blocks) != 1:
    sys.exit(f"consumer-check: expected one module block in README.md, found {len(blocks)}")
open(f"{out[:-len('pom.xml')]}src/main/java/module-info.java", "w", encoding="utf-8").write(blocks[0])
EOF
module=$(sed -n 's/^module \([A-Za-z0-9_.]*\) {.*/\1/p' "$src/module-info.java")
[[ -n "$module" ]] || fail "no module name in README's module block"

# The tour's programs: every example README links to.
programs=$(grep -o '(examples/src/main/java/dev/soci/examples/[A-Za-z]*\.java)' README.md |
  sed 's/.*\/\([A-Za-z]*\)\.java)/\1/' | sort -u)
for p in IndexLayer ReadFile; do
  grep -qx "$p" <<<"$programs" || fail "README's tour no longer links to $p"
done
for p in $programs; do
  f="examples/src/main/java/dev/soci/examples/$p.java"
  # The notification worker also needs the JDK's jdk.httpserver module, which README's module
  # block (the library's requires) does not name: it is built and run by the examples' tests.
  grep -q 'com\.sun\.net\.httpserver' "$f" && continue
  cp "$f" "$src/dev/soci/examples/"
done

(cd "$app" && mvn -B -q -o "${repo_args[@]}" package -DskipTests) ||
  fail "the project made of README's blocks did not build offline"
jar="$app/target/app-1.0.jar"
ls "$app/target/lib" | grep -q '^soci-core-' || fail "soci-core is not among the dependencies"

layer=testdata/upstream/layers/basic.gnutar.gzip6.tar.gz
ztoc=testdata/upstream/reference/basic.gnutar.gzip6.tar.gz.4194304.ztoc
# The largest regular file of the layer, and its digest as upstream extracted it.
read -r name sha256 < <(python3 - "${ztoc%.ztoc}.files.json" <<'EOF2'
import json, sys
regular = [e for e in json.load(open(sys.argv[1])) if e["type"] == "reg" and e["size"] > 0]
largest = max(regular, key=lambda e: e["size"])
print(largest["name"], largest["sha256"])
EOF2
) || true
[[ -n "$sha256" ]] || fail "no regular file listed in ${ztoc%.ztoc}.files.json"

run() { # run MODE PROGRAM ARGS...: MODE is cp (class path) or mp (module path)
  local mode=$1 program=$2
  shift 2
  if [[ $mode == cp ]]; then
    java -cp "$jar:$app/target/lib/*" "dev.soci.examples.$program" "$@"
  else
    java -p "$jar:$app/target/lib" -m "$module/dev.soci.examples.$program" "$@"
  fi
}

for mode in cp mp; do
  run "$mode" IndexLayer "$layer" "$work/$mode.ztoc" >/dev/null
  cmp -s "$work/$mode.ztoc" "$ztoc" || fail "IndexLayer ($mode): the zTOC differs from $ztoc"
  run "$mode" ReadFile "$layer" "$ztoc" "$name" >"$work/$mode.file" 2>/dev/null
  [[ $(sha256sum <"$work/$mode.file" | cut -d' ' -f1) == "$sha256" ]] ||
    fail "ReadFile ($mode): $name differs from upstream's (sha256 $sha256)"
done
echo "consumer-check: README's Maven block and tour ($(wc -w <<<"$programs") programs) built" \
  "offline; IndexLayer and ReadFile matched upstream on the class path and module $module"
