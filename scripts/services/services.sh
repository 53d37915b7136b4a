#!/usr/bin/env bash
# Local services for the demo and the tests: a MariaDB server (ECR + CRM databases) and a
# moto server (the AWS API emulator). Both bind to 127.0.0.1 only, keep their data under
# .local/services/, and are tracked by PID files: `up` twice is a no-op, `down` stops only
# the processes this script started.
#
#   scripts/services/services.sh up|down|status|env [mariadb|moto]
#
# Ports: CM_MYSQL_PORT (default 13306), CM_MOTO_PORT (default 15000).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE_DIR=${CM_SERVICES_DIR:-$ROOT/.local/services}
VENV=${VENV:-$ROOT/.venv}
MYSQL_PORT=${CM_MYSQL_PORT:-13306}
MOTO_PORT=${CM_MOTO_PORT:-15000}
MYSQL_USER=cinema
# Local-only credentials for a server bound to loopback; AWS reads them from Secrets Manager.
MYSQL_PASSWORD=${CM_MYSQL_PASSWORD:-cinema-local}

say() { printf '[services] %s\n' "$*"; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

# Alive AND still one of ours: after a reboot a stale PID file may name someone else's process.
pid_alive() {
  [[ -f $1 ]] || return 1
  local pid
  pid=$(cat "$1")
  # /proc/PID/cmdline, not `ps -o args=`: procps cuts args at 80 columns when stdout is not a
  # terminal (under pytest), and a long clone path pushes "moto_server" past the cut.
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'mariadbd|moto_server'
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds name logfile
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    port_busy "$1" && return 0
    sleep 0.1
  done
  die "$3 did not open 127.0.0.1:$1 within $2 s; see $4"
}

ensure_mariadb_installed() {
  command -v mariadbd >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "mariadbd not found and apt-get unavailable: install mariadb-server"
  say "installing mariadb-server with apt-get (one time)"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq mariadb-server >/dev/null \
    || die "apt-get install mariadb-server failed: run it by hand to see why"
}

# A Unix socket path holds at most 107 bytes: a deep checkout (CI's long clone path) gets a short
# one under /tmp, named by a hash of the state folder so two checkouts never share it.
SOCKET=$STATE_DIR/mariadb.sock
if ((${#SOCKET} > 100)); then
  SOCKET=/tmp/cm-mariadb-$(printf '%s' "$STATE_DIR" | sha1sum | cut -c1-12).sock
fi

mysql_cli() { mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot "$@"; }

mariadb_up() {
  local pidf=$STATE_DIR/mariadb.pid data=$STATE_DIR/mariadb-data log=$STATE_DIR/mariadb.log
  if pid_alive "$pidf"; then say "mariadb already running (pid $(cat "$pidf"), port $MYSQL_PORT)"; return 0; fi
  port_busy "$MYSQL_PORT" && die "port $MYSQL_PORT is in use by another process: set CM_MYSQL_PORT to a free port"
  ensure_mariadb_installed
  mkdir -p "$STATE_DIR"
  local user_flag=()
  [[ $(id -u) -eq 0 ]] && user_flag=(--user=root)
  if [[ ! -d $data/mysql ]]; then
    say "initialising MariaDB data directory $data"
    mariadb-install-db --no-defaults --datadir="$data" "${user_flag[@]}" --auth-root-authentication-method=socket \
      >"$STATE_DIR/mariadb-install.log" 2>&1 || die "mariadb-install-db failed; see $STATE_DIR/mariadb-install.log"
  fi
  say "starting mariadb on 127.0.0.1:$MYSQL_PORT"
  nohup mariadbd --no-defaults --datadir="$data" --socket="$SOCKET" --port="$MYSQL_PORT" \
    --bind-address=127.0.0.1 --pid-file="$STATE_DIR/mariadbd.pid" --skip-name-resolve \
    --innodb-buffer-pool-size=256M "${user_flag[@]}" >"$log" 2>&1 &
  echo $! >"$pidf"
  wait_port "$MYSQL_PORT" 30 mariadb "$log"
  mysql_cli <"$ROOT/scripts/mysql/schema.sql" || die "loading scripts/mysql/schema.sql failed"
  mysql_cli <<SQL || die "creating the $MYSQL_USER user failed"
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON ecr.* TO '$MYSQL_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON crm.* TO '$MYSQL_USER'@'127.0.0.1';
SQL
  say "mariadb ready (databases ecr, crm; user $MYSQL_USER)"
}

moto_up() {
  local pidf=$STATE_DIR/moto.pid log=$STATE_DIR/moto.log
  if pid_alive "$pidf"; then say "moto already running (pid $(cat "$pidf"), port $MOTO_PORT)"; return 0; fi
  port_busy "$MOTO_PORT" && die "port $MOTO_PORT is in use by another process: set CM_MOTO_PORT to a free port"
  [[ -x $VENV/bin/moto_server ]] || die "moto_server not found in $VENV: run 'make install' first"
  mkdir -p "$STATE_DIR"
  say "starting moto server on 127.0.0.1:$MOTO_PORT"
  nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$log" 2>&1 &
  echo $! >"$pidf"
  wait_port "$MOTO_PORT" 30 moto "$log"
  say "moto ready (endpoint http://127.0.0.1:$MOTO_PORT)"
}

stop_pid() { # name pidfile
  local pidf=$2 pid i
  if ! pid_alive "$pidf"; then say "$1 not running"; rm -f "$pidf"; return 0; fi
  pid=$(cat "$pidf")
  say "stopping $1 (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidf"
}

status() {
  local name
  for name in mariadb moto; do
    if pid_alive "$STATE_DIR/$name.pid"; then echo "$name: running (pid $(cat "$STATE_DIR/$name.pid"))"
    else echo "$name: stopped"; fi
  done
}

env_lines() {
  cat <<EOF
CM_MYSQL_HOST=127.0.0.1
CM_MYSQL_PORT=$MYSQL_PORT
CM_MYSQL_USER=$MYSQL_USER
CM_MYSQL_PASSWORD=$MYSQL_PASSWORD
CM_AWS_ENDPOINT=http://127.0.0.1:$MOTO_PORT
EOF
}

action=${1:-status}
which=${2:-all}
case $action in
  up)
    [[ $which == all || $which == mariadb ]] && mariadb_up
    [[ $which == all || $which == moto ]] && moto_up
    env_lines >"$STATE_DIR/env"
    ;;
  down)
    [[ $which == all || $which == moto ]] && stop_pid moto "$STATE_DIR/moto.pid"
    [[ $which == all || $which == mariadb ]] && stop_pid mariadb "$STATE_DIR/mariadb.pid"
    ;;
  status) status ;;
  env) env_lines ;;
  *) die "unknown action '$action': use up, down, status or env" ;;
esac
exit 0
