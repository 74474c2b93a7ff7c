# Sourced by the project's scripts: sets JAVA_HOME to a JDK >= 21 and puts it first on PATH.
# Looks at $JAVA_HOME, then `java` on PATH, then every JDK under /usr/lib/jvm (newest first).
# Nobody has to export anything by hand.

rnn4j_java_major() {  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

rnn4j_find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${c%/}"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(rnn4j_java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$c"; return 0; fi
  done
  return 1
}

if ! RNN4J_JDK=$(rnn4j_find_jdk); then
  echo "rnn4j: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm). Install one, e.g. Temurin 25, and retry." >&2
  exit 1
fi
export JAVA_HOME="$RNN4J_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
