# shellcheck shell=bash
# Runs sacipctl: what bin/sacipctl and the installed /usr/bin/sacipctl share. Needs cds.sh from this directory.
#
#   sacipctl_exec JARS ARCHIVE_DIR [SACIPCTL ARGUMENTS...]
#
# JARS: the directory holding sacipctl's jars (all of them go on the class path), or a class path. ARCHIVE_DIR: where
# its class-data archive lives; when there is none for this JVM and these jars and the directory is writable, one is
# written first from a training run (org.sacip.tools.cli.ClassDataTraining: every everyday command against a socket
# it serves itself, about a second, once) and kept only if the JVM accepts it. Then it execs the JVM, so sacipctl's
# exit status is the command's. Environment: SACIPCTL_CDS=off runs without the archive; SACIPCTL_JAVA_OPTIONS adds JVM
# options after the launcher's own, split at blanks (e.g. -Xshare:on to fail when the archive is not used).
sacipctl_exec() {
  local jars=$1 cds_dir=$2 classpath java stamp archive cds_options=() extra_options=()
  shift 2
  if [[ -d $jars ]]; then
    classpath="$jars/*"
  else
    classpath=$jars
  fi
  java=$(sacip_cds_java)
  if [[ ${SACIPCTL_CDS:-on} != off ]] && stamp=$(sacip_cds_stamp "$java" "$classpath") && [[ -n $stamp ]]; then
    archive="$cds_dir/sacipctl-$stamp.jsa"
    if sacip_cds_usable "$java" "$classpath" "$archive"; then
      cds_options=(-XX:SharedArchiveFile="$archive")
    elif mkdir -p "$cds_dir" 2> /dev/null && [[ -w $cds_dir ]]; then
      sacip_cds_forget_others "$cds_dir" sacipctl "$stamp"
      if sacip_cds_create "$java" "$classpath" "$archive" org.sacip.tools.cli.ClassDataTraining; then
        cds_options=(-XX:SharedArchiveFile="$archive")
      fi
    fi
  fi
  read -r -a extra_options <<< "${SACIPCTL_JAVA_OPTIONS:-}"
  # A short-lived client: the serial collector, C1 only and no perf-data file start quicker; with the archive, its
  # classes come parsed and verified (docs in tools/README.md, "Start-up").
  exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -Xshare:auto "${cds_options[@]}" \
    "${extra_options[@]}" -cp "$classpath" org.sacip.tools.SacipCtl "$@"
}
