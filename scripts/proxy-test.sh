#!/usr/bin/env bash
# End-to-end test of the caching reverse proxy of docs/deploy.md: renders
# docs/nginx.conf (the very file operators use) into a temp dir, starts nginx
# on a free loopback port in front of the app (node dist/src/server.js on
# another loopback port, temp DATABASE_PATH and MEDIA_DIR), and shows with curl:
#   - a second request for a page is a cache HIT, the app saw it once;
#   - If-None-Match with the ETag gets 304; a stale entry is revalidated with
#     the app's ETag (REVALIDATED) and an unchanged page is not re-sent;
#   - a re-import is invisible through the proxy until the cached page's
#     max-age has passed, then visible (see "Why the search page" below);
#   - /media is served by nginx from disk (its own header, immutable caching),
#     and the app never sees those requests (its metrics and access log);
#   - request ids flow from nginx to the app's log.
# Stops nginx and the app by their PIDs. Takes about 75 s (a 60 s max-age).
#
# Why the search page: pages of the latest issue are fresh for 300 s and past
# issues for a day, too long to wait in a test, while search results,
# redirects and error pages carry max-age=60. The search results for a word
# that only the re-imported title contains change with the re-import, so they
# show the whole cycle (cached, stale, revalidated, new) with the production
# configuration and the app's real headers, no test-only knob. The article
# page itself is shown to still be served from the cache right after the
# import (it becomes visible after its own 300 s the same way).
#
# Usage: bash scripts/proxy-test.sh   (KEEP=1 keeps the temp dir for a look)
# Needs nginx: installed from Debian's packages when missing and running as root.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STARTED=$(date +%s)
SLUG=jiangcheng-daily
OTHER=yunxi-evening

say() { printf '[proxy-test] %s\n' "$*"; }
ok() { printf '[proxy-test] ok   %s\n' "$*"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/epaper-proxy-test.XXXXXX")
APP_PID=""
NGINX_PID=""

stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  stop_pid "$NGINX_PID"
  stop_pid "$APP_PID"
  if [ "$status" -ne 0 ]; then
    say "--- app log (last 30 lines)"; tail -n 30 "$T/app.log" 2>/dev/null || true
    say "--- nginx error log"; tail -n 30 "$T/nginx/logs/error.log" 2>/dev/null || true
    say "--- nginx access log"; tail -n 30 "$T/nginx/logs/access.log" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
  exit "$status"
}
trap cleanup EXIT

fail() {
  printf '[proxy-test] FAIL %s\n' "$*" >&2
  exit 1
}

# --- nginx -------------------------------------------------------------------
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
NGINX=$(find_nginx)
if [ -z "$NGINX" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "nginx is not installed and this is not root: install nginx-light (Debian) and run again"
    exit 77
  fi
  say "installing nginx from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq nginx-light >/dev/null || apt-get install -y -qq nginx >/dev/null
  NGINX=$(find_nginx)
  [ -n "$NGINX" ] || fail "nginx did not install"
fi
say "$("$NGINX" -v 2>&1)"

# --- build -------------------------------------------------------------------
if [ ! -f dist/src/server.js ] || [ -n "$(find src scripts -name '*.ts' -newer dist/src/server.js -print -quit)" ]; then
  say "building (npm run build)"
  npm run build --silent >/dev/null
fi

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
APP_PORT=$(free_port)
PROXY_PORT=$(free_port)
while [ "$PROXY_PORT" = "$APP_PORT" ]; do PROXY_PORT=$(free_port); done
APP="http://127.0.0.1:$APP_PORT"
PROXY="http://127.0.0.1:$PROXY_PORT"

wait_for() {
  local url=$1 what=$2
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  fail "$what did not come up at $url"
}

# --- the app -----------------------------------------------------------------
# A small demo (3 days) is built first: the server would build a 14-day one on
# its first start, the same way, only slower.
export DATABASE_PATH="$T/data/epaper.db" MEDIA_DIR="$T/data/media"
node dist/scripts/demo.js --days 3 >"$T/demo.log"
HOST=127.0.0.1 PORT=$APP_PORT NODE_ENV=production LOG_LEVEL=info TRUST_PROXY=loopback BASE_URL="$PROXY" \
  node dist/src/server.js >"$T/app.log" 2>&1 &
APP_PID=$!
wait_for "$APP/healthz" "the app"
ok "app on $APP (pid $APP_PID)"

# --- nginx in front ----------------------------------------------------------
mkdir -p "$T/nginx/logs" "$T/nginx/state" "$T/nginx/cache"
BROTLI_LOAD=""
BROTLI=""
BROTLI_SO=/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so
if [ -f "$BROTLI_SO" ]; then
  BROTLI_LOAD="load_module $BROTLI_SO;"
  BROTLI="brotli on; brotli_comp_level 5; brotli_types text/css application/javascript application/json application/xml text/xml application/rss+xml application/atom+xml text/plain image/svg+xml;"
fi
USER_DIRECTIVE=""
[ "$(id -u)" -eq 0 ] && USER_DIRECTIVE="user root;" # workers must read the temp dir
sed -e "s|@USER_DIRECTIVE@|$USER_DIRECTIVE|" \
    -e "s|@PID_FILE@|$T/nginx/nginx.pid|" \
    -e "s|@LOG_DIR@|$T/nginx/logs|g" \
    -e "s|@STATE_DIR@|$T/nginx/state|g" \
    -e "s|@CACHE_DIR@|$T/nginx/cache|" \
    -e "s|@CACHE_MAX_SIZE@|100m|" \
    -e "s|@LISTEN@|127.0.0.1:$PROXY_PORT|" \
    -e "s|@SERVER_NAME@|localhost|" \
    -e "s|@UPSTREAM@|127.0.0.1:$APP_PORT|" \
    -e "s|@MEDIA_DIR@|$MEDIA_DIR|" \
    -e "s|@BROTLI_LOAD@|$BROTLI_LOAD|" \
    -e "s|@BROTLI@|$BROTLI|" \
    docs/nginx.conf >"$T/nginx/nginx.conf"
if grep -n '@[A-Z_]*@' "$T/nginx/nginx.conf" | grep -v '^[0-9]*:#'; then fail "placeholders left in the rendered config"; fi
"$NGINX" -t -q -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/logs/error.log" || fail "nginx -t"
"$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/logs/error.log" -g 'daemon off;' &
NGINX_PID=$!
wait_for "$PROXY/healthz" "nginx"
ok "nginx on $PROXY (pid $NGINX_PID)${BROTLI_LOAD:+, with brotli}"

# --- helpers -----------------------------------------------------------------
N=0
# fetch PATH [curl args…]: body in $T/body.N, headers in $T/head.N; sets BODY, HEAD, STATUS, CACHE
fetch() {
  local path=$1; shift
  N=$((N + 1))
  BODY="$T/body.$N"
  HEAD="$T/head.$N"
  STATUS=$(curl -sS -o "$BODY" -D "$HEAD" -w '%{http_code}' "$@" "$PROXY$path")
  CACHE=$(header "$HEAD" x-cache-status)
}
header() { { grep -i "^$2:" "$1" || true; } | head -n 1 | cut -d: -f2- | sed -e 's/^ *//' -e 's/\r$//'; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
app_count() { # app_count ROUTE STATUS: the app's own request counter
  curl -fsS "$APP/metrics" | awk -v r="route=\"$1\"" -v s="status=\"$2\"" \
    '$1 ~ /^epaper_http_requests_total\{/ && index($1, r) && index($1, s) { n = $2 } END { print n + 0 }'
}

# --- which pages -------------------------------------------------------------
LATEST=$(curl -sS -o /dev/null -w '%{redirect_url}' "$PROXY/$SLUG")
PAGE=${LATEST#"$PROXY"}
[[ "$PAGE" =~ ^/$SLUG/([0-9]{4}-[0-9]{2}-[0-9]{2})/01$ ]] || fail "latest front page of $SLUG: got '$LATEST'"
DATE=${BASH_REMATCH[1]}
ARTICLE="$PAGE/1"
MARKER="proxytest$$x$RANDOM"
SEARCH_NEW="/search?q=$MARKER"                 # no result now; the re-imported title will match
SEARCH_SAME="/search?q=%E6%8A%A5&paper=$OTHER"  # 报, in the other paper: not changed by the re-import
say "latest issue of $SLUG: $DATE"

# --- 1. the short-lived pages first: their 60 s start now --------------------
fetch "$SEARCH_NEW"; expect_eq "$STATUS/$CACHE" "200/MISS" "first search"
T0=$(date +%s)
grep -q "href=\"/$SLUG/$DATE/01/1" "$BODY" && fail "the search already finds the marker"
fetch "$SEARCH_NEW"; expect_eq "$STATUS/$CACHE" "200/HIT" "second search"
fetch "$SEARCH_SAME"; expect_eq "$STATUS/$CACHE" "200/MISS" "first search in $OTHER"
grep -o 'max-age=[0-9]*' "$HEAD" | grep -qx 'max-age=60' || fail "search pages should carry max-age=60"
ok "search results cached (max-age=60)"

# --- 2. MISS, then HIT; the app renders once ---------------------------------
before=$(app_count page 200)
fetch "$PAGE"; expect_eq "$STATUS/$CACHE" "200/MISS" "first request for $PAGE"
ID=$(header "$HEAD" x-request-id)
cp "$BODY" "$T/page.first"
fetch "$PAGE"; expect_eq "$STATUS/$CACHE" "200/HIT" "second request for $PAGE"
cmp -s "$BODY" "$T/page.first" || fail "the HIT differs from the MISS"
ETAG=$(header "$HEAD" etag)
[ -n "$ETAG" ] || fail "no ETag through the proxy"
[[ "$(header "$HEAD" cache-control)" == *max-age=300* ]] || fail "the latest issue's page should carry max-age=300"
ok "$PAGE: MISS then HIT, same bytes, Cache-Control $(header "$HEAD" cache-control)"
fetch "$ARTICLE"; expect_eq "$STATUS/$CACHE" "200/MISS" "first request for $ARTICLE"

# --- 3. revalidation ---------------------------------------------------------
fetch "$PAGE" -H "If-None-Match: $ETAG"; expect_eq "$STATUS/$CACHE" "304/HIT" "If-None-Match $ETAG"
[ ! -s "$BODY" ] || fail "a 304 with a body"
fetch "$PAGE" -H "If-None-Match: \"not-this-one\""; expect_eq "$STATUS/$CACHE" "200/HIT" "If-None-Match with another ETag"
expect_eq "$(app_count page 200)" "$((before + 1))" "pages the app rendered for 1 MISS + 3 HITs"
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$APP$PAGE")" "304" "the app's own answer to If-None-Match"
ok "If-None-Match: 304 from the cache; the app answered 1 of 4 requests and would answer 304 itself"

# --- 4. encodings: one entry per encoding, the app's precompressed bodies -----
fetch "$PAGE" -H 'Accept-Encoding: gzip, deflate, br'; expect_eq "$STATUS/$CACHE/$(header "$HEAD" content-encoding)" "200/MISS/br" "br variant"
fetch "$PAGE" -H 'Accept-Encoding: br, gzip'; expect_eq "$STATUS/$CACHE/$(header "$HEAD" content-encoding)" "200/HIT/br" "br variant, other header"
fetch "$PAGE" -H 'Accept-Encoding: gzip'; expect_eq "$STATUS/$CACHE/$(header "$HEAD" content-encoding)" "200/MISS/gzip" "gzip variant"
gunzip -c "$BODY" | cmp -s - "$T/page.first" || fail "the gzip variant does not decompress to the page"
fetch "$PAGE" -H 'Accept-Encoding: gzip'; expect_eq "$STATUS/$CACHE" "200/HIT" "gzip variant again"
fetch "$PAGE"; expect_eq "$STATUS/$CACHE" "200/HIT" "identity after the variants"
ok "br, gzip and identity cached side by side"

# --- 5. request ids reach the app's log --------------------------------------
[[ "$ID" =~ ^[0-9a-f]{32}$ ]] || fail "nginx's request id: '$ID'"
grep -q "\"reqId\":\"$ID\"" "$T/app.log" || fail "request id $ID not in the app's log"
ok "request id $ID in the app's access log"

# --- 6. media from disk, not from the app ------------------------------------
# The page's master image (the 放大 link): a JPEG rendered from a page PDF, or the PNG an issue.json gave.
MEDIA=$(grep -o '/media/[0-9a-f]\{2\}/[0-9a-f]\{32\}\.\(png\|jpg\)' "$T/page.first" | head -n 1 || true)
[ -n "$MEDIA" ] || fail "no /media image on $PAGE"
media_before=$(app_count media 200)
fetch "$MEDIA"
expect_eq "$STATUS" "200" "GET $MEDIA"
expect_eq "$(header "$HEAD" x-served-by)" "nginx-media" "header nginx adds to media"
expect_eq "$(header "$HEAD" cache-control)" "public, max-age=31536000, immutable" "media Cache-Control"
case "$MEDIA" in *.png) MEDIA_TYPE=image/png ;; *) MEDIA_TYPE=image/jpeg ;; esac
expect_eq "$(header "$HEAD" content-type)" "$MEDIA_TYPE" "media Content-Type"
cmp -s "$BODY" "$MEDIA_DIR/${MEDIA#/media/}" || fail "media bytes differ from the store"
METAG=$(header "$HEAD" etag)
fetch "$MEDIA" -H "If-None-Match: $METAG"; expect_eq "$STATUS" "304" "media If-None-Match"
expect_eq "$(app_count media 200)" "$media_before" "media requests the app saw"
grep -q '"url":"/media/' "$T/app.log" && fail "the app's access log shows a /media request"
ok "$MEDIA served by nginx from MEDIA_DIR; the app saw no media request"

# --- 7. re-import a correction -----------------------------------------------
GEN="$T/gen"
node -e '
  const { generateDemoIssues, DEMO_PUBLICATIONS } = require("./dist/src/demo/generate.js");
  const [dir, date, slug] = process.argv.slice(1);
  generateDemoIssues(dir, { days: 1, endDate: date, publications: DEMO_PUBLICATIONS.filter((p) => p.slug === slug) })
    .catch((e) => { console.error(e); process.exit(1); });
' "$GEN" "$DATE" "$SLUG"
node -e '
  const fs = require("fs");
  const [file, marker] = process.argv.slice(1);
  const issue = JSON.parse(fs.readFileSync(file, "utf8"));
  const article = issue.pages[0].articles.find((a) => a.position === 1);
  article.title = `更正 ${marker} ${article.title}`;
  fs.writeFileSync(file, JSON.stringify(issue, null, 2));
' "$GEN/$SLUG/$DATE/issue.json" "$MARKER"
node dist/scripts/import.js --quiet "$GEN/$SLUG/$DATE" >"$T/import.log"
# Into a file, not piped: with pipefail, `curl | grep -q` fails whenever grep quits before curl has written everything.
curl -fsS "$APP$ARTICLE" -o "$T/corrected.html" || fail "the app did not answer $ARTICLE after the correction"
grep -q "$MARKER" "$T/corrected.html" || fail "the app itself does not show the correction"
ok "re-imported $SLUG $DATE with a corrected title: the app shows it at once"

fetch "$ARTICLE"; expect_eq "$STATUS/$CACHE" "200/HIT" "article right after the import"
grep -q "$MARKER" "$BODY" && fail "the proxy shows the correction before the page's max-age"
fetch "$SEARCH_NEW"; expect_eq "$STATUS/$CACHE" "200/HIT" "search right after the import"
grep -q "href=\"/$SLUG/$DATE/01/1" "$BODY" && fail "the cached search already finds the correction"
ok "through the proxy, the article (max-age=300) and the search (max-age=60) are still the cached ones"

# --- 8. after max-age: revalidated, and the correction is visible ------------
WAIT_UNTIL=$((T0 + 62)) # nginx counts whole seconds: fresh while expiry >= now
now=$(date +%s)
if [ "$now" -lt "$WAIT_UNTIL" ]; then
  say "waiting $((WAIT_UNTIL - now)) s for the search page's max-age=60 to pass"
  sleep $((WAIT_UNTIL - now))
fi
seen=""
for _ in $(seq 1 20); do
  fetch "$SEARCH_NEW"
  if grep -q "href=\"/$SLUG/$DATE/01/1" "$BODY" && grep -q "$MARKER" "$BODY"; then seen=$CACHE; break; fi
  sleep 1
done
[ -n "$seen" ] || fail "the correction never showed in the search results through the proxy"
case "$seen" in EXPIRED|MISS|UPDATING|STALE|HIT) ;; *) fail "unexpected cache status $seen" ;; esac
fetch "$SEARCH_NEW"; expect_eq "$STATUS/$CACHE" "200/HIT" "new search results cached again"
ok "after max-age the search shows the corrected article ($seen, then HIT)"
fetch "$SEARCH_SAME"; expect_eq "$STATUS/$CACHE" "200/REVALIDATED" "unchanged page after max-age"
ok "an unchanged page was revalidated with its ETag (REVALIDATED: the app answered 304)"

say "all checks passed in $(( $(date +%s) - STARTED )) s"
