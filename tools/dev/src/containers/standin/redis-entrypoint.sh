#!/bin/sh
# The redis image builds redis-server with protected mode off (the container network is the
# boundary); Debian's keeps it on, so turn it off here, where a config file would not be.
if [ "${1:-}" = redis-server ]; then
  shift
  case "${1:-}" in
    -* | '') set -- redis-server --protected-mode no "$@" ;;
    *)
      config=$1
      shift
      set -- redis-server "$config" --protected-mode no "$@"
      ;;
  esac
fi
exec "$@"
