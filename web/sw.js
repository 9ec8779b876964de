// Lumen's service worker: keeps one build of the web app (the page, its
// content-hashed bundles, the worker bundle, the manifest and icons) in a
// cache named after that build, so the app installs and reloads offline.
//
// The page is fetched from the network first (a redeploy is seen at once)
// and from the cache when offline; everything else comes from the cache
// first. Every file but this one and index.html is named after its content
// (trunk hashes the app's bundle, scripts/web_post_build.py the worker's),
// so a page can only ever load the bundles of its own build, and a new
// build's worker installs beside the old cache and removes it once active.

// Filled in by scripts/web_post_build.py when trunk builds the app.
const BUILD = { version: 'unbuilt', files: [] };
const CACHE = 'lumen-' + BUILD.version;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(['./', ...BUILD.files]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith('lumen-') && k !== CACHE).map((k) => caches.delete(k)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request).catch(() => caches.open(CACHE)
        .then((cache) => cache.match('./index.html'))
        .then((hit) => hit || Response.error())),
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request))
      .then((hit) => hit || fetch(request)),
  );
});
