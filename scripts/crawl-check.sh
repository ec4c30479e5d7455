#!/usr/bin/env bash
# Real-crawler check: builds the site, starts it on a free loopback port with a
# throw-away database (the server builds the demo newspaper on an empty one),
# lets GNU wget spider every link from / and then fetches every <loc> and
# <image:loc> the sitemaps list, each of which must answer 200 exactly (no
# redirect). Exits non-zero on any broken link.
#
#   scripts/crawl-check.sh            # npm run build first
#   SKIP_BUILD=1 scripts/crawl-check.sh
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v wget >/dev/null 2>&1; then
  echo "crawl-check: wget not found, installing it from the Debian packages"
  apt-get update && apt-get install -y wget
fi

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  npm run build --silent
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/epaper-crawl-XXXXXX")"
SERVER_PID=""

stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
cleanup() {
  stop_server
  if [ "${KEEP_WORK:-0}" = "1" ]; then echo "crawl-check: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

PORT="$(node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
BASE="http://127.0.0.1:${PORT}"

HOST=127.0.0.1 PORT="$PORT" BASE_URL="$BASE" DATABASE_PATH="$WORK/epaper.db" MEDIA_DIR="$WORK/media" \
  DEMO_ON_EMPTY=1 NODE_ENV=production node dist/src/server.js >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# The first start builds the demo newspaper; wait for the port (up to 120 s).
ready=0
for _ in $(seq 1 600); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "crawl-check: the server exited before it was ready:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  if wget -q --tries=1 --timeout=2 -O /dev/null "$BASE/robots.txt" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ "$ready" != "1" ]; then
  echo "crawl-check: the server did not answer on $BASE" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi
echo "crawl-check: server ready on $BASE (pid $SERVER_PID)"

# 1. Spider every link reachable from / (search results excluded, as robots.txt says).
set +e
wget --spider --recursive --level=inf --no-verbose --no-parent --reject-regex '/search' -e robots=off \
  --directory-prefix="$WORK/spider" "$BASE/" >"$WORK/wget.log" 2>&1
wget_status=$?
set -e
checked="$(grep -Ec ' URL: ?http' "$WORK/wget.log" || true)"
if [ "$wget_status" -ne 0 ] || grep -Eq 'Found [0-9]+ broken links?' "$WORK/wget.log"; then
  echo "crawl-check: wget found broken links (exit $wget_status):" >&2
  grep -E -i -A 200 'broken link' "$WORK/wget.log" >&2 || tail -n 50 "$WORK/wget.log" >&2
  exit 1
fi
echo "crawl-check: wget spidered ${checked} URLs from / with no broken link"

# 2. Every <loc> of every sitemap (and the page images) answers 200.
CRAWL_BASE="$BASE" node - <<'NODE'
const base = process.env.CRAWL_BASE;
const decode = (s) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]);
const locs = (xml, tag) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => decode(m[1]));
async function get(url) {
  const res = await fetch(url, { redirect: 'manual' });
  const body = await res.text();
  return { status: res.status, body };
}
(async () => {
  const failures = [];
  const index = await get(`${base}/sitemap.xml`);
  if (index.status !== 200) throw new Error(`/sitemap.xml answered ${index.status}`);
  const sitemaps = [...locs(index.body, 'loc'), `${base}/news-sitemap.xml`];
  const targets = new Set();
  for (const sitemap of sitemaps) {
    const res = await get(sitemap);
    if (res.status !== 200) {
      failures.push(`${sitemap} → ${res.status}`);
      continue;
    }
    for (const loc of [...locs(res.body, 'loc'), ...locs(res.body, 'image:loc')]) targets.add(loc);
  }
  const list = [...targets];
  if (list.length === 0) throw new Error('the sitemaps list no URL');
  for (const url of list) if (!url.startsWith(`${base}/`)) failures.push(`${url} is not on ${base}`);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const url = list[next++];
      const res = await fetch(url, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status !== 200) failures.push(`${url} → ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (failures.length > 0) {
    console.error(`crawl-check: ${failures.length} sitemap URLs failed:\n${failures.slice(0, 50).join('\n')}`);
    process.exit(1);
  }
  console.log(`crawl-check: ${sitemaps.length} sitemaps, ${list.length} listed URLs, every one 200`);

  // 3. Open data (docs/api.md): no sitemap lists a .json URL; the .json twin of every listed issue, page,
  // article and archive URL, and every issue's IIIF manifest, answers 200 with JSON.
  const listedJson = list.filter((u) => /\.json($|\?)/.test(u));
  if (listedJson.length > 0) {
    console.error(`crawl-check: the sitemaps list .json URLs:\n${listedJson.slice(0, 20).join('\n')}`);
    process.exit(1);
  }
  const family = /^\/[a-z0-9-]+\/(\d{4}-\d{2}-\d{2}(\/\d{2}(\/\d+)?)?|archive(\/\d{4}(\/\d{2})?)?)$/;
  const pages = list.filter((u) => u.startsWith(base) && family.test(u.slice(base.length)));
  const jsonUrls = [
    ...pages.map((u) => `${u}.json`),
    ...pages.filter((u) => /\/\d{4}-\d{2}-\d{2}$/.test(u)).map((u) => `${u}/manifest.json`),
  ];
  let nextJson = 0;
  const jsonWorker = async () => {
    while (nextJson < jsonUrls.length) {
      const url = jsonUrls[nextJson++];
      const res = await fetch(url, { redirect: 'manual' });
      const text = await res.text();
      if (res.status !== 200) failures.push(`${url} → ${res.status}`);
      else {
        try {
          JSON.parse(text);
        } catch {
          failures.push(`${url} → not JSON`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, jsonWorker));
  if (failures.length > 0 || jsonUrls.length === 0) {
    console.error(`crawl-check: ${failures.length} .json URLs failed:\n${failures.slice(0, 50).join('\n')}`);
    process.exit(1);
  }
  console.log(`crawl-check: ${jsonUrls.length} .json twins and IIIF manifests, every one 200 and JSON; none in the sitemaps`);
})().catch((err) => {
  console.error(`crawl-check: ${err.message}`);
  process.exit(1);
});
NODE

stop_server
echo "crawl-check: ok"
