#!/usr/bin/env bash
# Make sure the local servers EduCRM needs answer on localhost: start them where installed but
# stopped, install them with apt where we may (Debian/Ubuntu as root or with sudo), otherwise
# stop with the exact commands to run. Usage: tools/ensure_servers.sh rabbitmq redis [postgres]
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi
can_install() { command -v apt-get >/dev/null && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

wait_port() {  # name port seconds
  local deadline=$((SECONDS + $3))
  until port_open "$2"; do
    if [ $SECONDS -ge $deadline ]; then echo "$1 did not come up on 127.0.0.1:$2" >&2; return 1; fi
    sleep 0.5
  done
}

apt_install() {
  echo "installing $* with apt-get" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

ensure_rabbitmq() {
  if ! port_open 5672; then
    if ! command -v rabbitmq-server >/dev/null; then
      can_install || { echo "RabbitMQ is missing. Install it: sudo apt-get install rabbitmq-server" >&2; exit 1; }
      apt_install rabbitmq-server
    fi
    echo "starting RabbitMQ" >&2
    $SUDO rabbitmq-server -detached || true
    wait_port RabbitMQ 5672 90
  fi
  # The management API lets tests and `educrm-bus` inspect queues; enabling is idempotent.
  if [ "${EDUCRM_RABBITMQ_MANAGEMENT:-1}" = 1 ] && command -v rabbitmq-plugins >/dev/null; then
    $SUDO rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null 2>&1 || true
    wait_port "RabbitMQ management" 15672 60 || true
  fi
  # The broker must accept connections, not just the port: wait until it lists vhosts.
  if command -v rabbitmqctl >/dev/null; then
    local deadline=$((SECONDS + 60))
    until $SUDO rabbitmqctl -q list_vhosts >/dev/null 2>&1; do
      [ $SECONDS -ge $deadline ] && { echo "RabbitMQ is not answering" >&2; exit 1; }
      sleep 1
    done
  fi
}

ensure_redis() {
  port_open 6379 && return 0
  if ! command -v redis-server >/dev/null; then
    can_install || { echo "Redis is missing. Install it: sudo apt-get install redis-server" >&2; exit 1; }
    apt_install redis-server
  fi
  echo "starting Redis" >&2
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_port Redis 6379 30
}

ensure_postgres() {
  port_open 5432 && return 0
  if ! ls /etc/postgresql >/dev/null 2>&1; then
    can_install || { echo "PostgreSQL is missing. Install it: sudo apt-get install postgresql" >&2; exit 1; }
    apt_install postgresql
  fi
  echo "starting PostgreSQL" >&2
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  wait_port PostgreSQL 5432 60
}

for server in "$@"; do
  case "$server" in
    rabbitmq) ensure_rabbitmq ;;
    redis) ensure_redis ;;
    postgres) ensure_postgres ;;
    *) echo "unknown server: $server" >&2; exit 2 ;;
  esac
done
