/* LearnHub's service worker, written by hand (learnhub/offline/__init__.py says why and how).
 *
 * - Installing keeps the "shell": the offline page, the stylesheet and the scripts (SHELL and
 *   VERSION are written above this comment by the server, offline/views.py).
 * - Pages come from the network while there is one; without one, a downloaded page comes
 *   from its course's cache ("lh-course:<slug>"), and any other page is the offline page.
 *   A downloaded video always plays from the phone: its byte ranges are cut from the cache.
 * - What the module player posts (a heartbeat, "I have finished", quiz answers) goes to the
 *   network; when there is none it waits in IndexedDB with a key made here, and is sent to
 *   /offline/sync by Background Sync where the browser has it, else when a page asks ("flush").
 * - Pages ask it, by message, to download or remove a course, to list downloads, to say what
 *   waits in the queue, to look for new revisions of downloaded courses, and at logout to
 *   forget the person's downloads and queue.
 * - A phone passes from hand to hand: each signed-in page says whose it is ("hello"). Downloads
 *   are the present person's (another's go when someone else signs in), and each queued item is
 *   kept for the person who learnt it: sent only in their session, whoever holds the phone now.
 */
"use strict";
var SHELL_CACHE = "lh-shell-" + VERSION;
var COURSE = "lh-course:";
var OFFLINE_PAGE = SHELL[0];
var PLAYER_POST = /^\/courses\/[^/]+\/[^/]+\/(heartbeat|done|quiz)$/;
var MAX_ITEMS = 200; // per request, as the server takes them (OFFLINE_SYNC_MAX_ITEMS)
var lastNote = null; // what the last sync said, until a page has shown it
var OWNER = "lh-owner", OWNER_KEY = "/offline/owner"; // whose downloads and queue these are

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("lh-shell-") === 0 && n !== SHELL_CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// ------------------------------------------------------------------ answering requests

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.headers.has("range")) {
    event.respondWith(rangeOfDownload(request)); // a video seeking: the downloaded copy first
  } else if (request.method === "POST" && PLAYER_POST.test(url.pathname)) {
    event.respondWith(postOrQueue(request, url.pathname));
  } else if (request.method === "GET" && url.pathname !== "/sw.js") {
    event.respondWith(networkElseCache(request));
  }
});

async function networkElseCache(request) {
  try {
    var response = await fetch(request);
    if (response.ok && /\/static\//.test(request.url)) {
      var copy = response.clone();
      caches.open(SHELL_CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  } catch (error) {
    // A page opened from the player's "saved" redirect (?queued=...) is the downloaded page.
    var cached = await caches.match(request, {ignoreSearch: request.mode === "navigate"}) ||
      (/\/static\//.test(request.url) && await caches.match(request, {ignoreSearch: true}));
    if (cached) return cached;
    if (request.mode === "navigate") return caches.match(OFFLINE_PAGE);
    return Response.error();
  }
}

// A video of a downloaded course plays from the phone, online or not: the player asks for byte
// ranges, and the cache keeps the whole file, so the range is cut from it here. Any other range
// goes to the network as ever.
async function rangeOfDownload(request) {
  var cached = request.method === "GET" && await caches.match(request.url);
  if (!cached) return fetch(request);
  var blob = await cached.blob(), size = blob.size;
  var asked = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("range").trim()) || ["", "", ""];
  var start = -1, end = size - 1;
  if (asked[1] !== "") {
    start = Number(asked[1]);
    if (asked[2] !== "") end = Math.min(Number(asked[2]), end);
  } else if (asked[2] !== "") {
    start = Math.max(0, size - Number(asked[2])); // "bytes=-500": the last 500 bytes
  }
  if (start < 0 || start > end) return new Response(null, {status: 416, headers: {"Content-Range": "bytes */" + size}});
  return new Response(blob.slice(start, end + 1), {status: 206, headers: {
    "Content-Type": cached.headers.get("Content-Type") || "video/mp4",
    "Content-Range": "bytes " + start + "-" + end + "/" + size,
    "Content-Length": String(end - start + 1), "Accept-Ranges": "bytes"
  }});
}

async function postOrQueue(request, path) {
  var copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    var fields = {};
    (await copy.formData()).forEach(function (value, name) {
      if (name !== "csrf_token") (fields[name] = fields[name] || []).push(String(value));
    });
    var item = {key: newKey(), path: path, at: Date.now(), fields: fields, person: await owner()};
    await store("readwrite", function (queue) { queue.put(item); });
    if (self.registration.sync) self.registration.sync.register("learnhub-queue").catch(function () {});
    var kind = path.slice(path.lastIndexOf("/") + 1);
    if (kind === "heartbeat") return new Response(null, {status: 204});
    // Back to the module's page (downloaded), which says the item waits to be sent.
    return Response.redirect(path.slice(0, -kind.length - 1) + "?queued=" + kind, 303);
  }
}

function newKey() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  var bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
}

// ------------------------------------------------------------------ the queue (IndexedDB)

function store(mode, work) {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open("learnhub-offline", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("queue", {keyPath: "key"}); };
    open.onerror = function () { reject(open.error); };
    open.onsuccess = function () {
      var tx = open.result.transaction("queue", mode), result;
      var request = work(tx.objectStore("queue"));
      if (request) request.onsuccess = function () { result = request.result; };
      tx.oncomplete = function () { open.result.close(); resolve(result); };
      tx.onerror = function () { open.result.close(); reject(tx.error); };
    };
  });
}

// What waits to be sent in the present person's session (an item of no one's: older than owners).
async function queued() {
  var me = await owner(), items = await store("readonly", function (queue) { return queue.getAll(); });
  return items.filter(function (item) { return item.person == null || item.person === me; });
}

async function owner() {
  var kept = await caches.match(OWNER_KEY, {cacheName: OWNER});
  return kept ? (await kept.json()).person : null;
}

async function setOwner(person) {
  var cache = await caches.open(OWNER);
  if (person == null) return cache.delete(OWNER_KEY);
  return cache.put(OWNER_KEY, new Response(JSON.stringify({person: person}), {headers: {"Content-Type": "application/json"}}));
}

async function forgetDownloads() {
  var names = (await caches.keys()).filter(function (n) { return n.indexOf(COURSE) === 0; });
  await Promise.all(names.map(function (n) { return caches.delete(n); }));
}

var flushing = null;
function flush() {
  if (!flushing) flushing = sendQueue().finally(function () { flushing = null; });
  return flushing;
}

async function sendQueue() {
  var items = await queued(), outcomes = [], summaries = [];
  while (items.length) {
    var batch = items.slice(0, MAX_ITEMS);
    items = items.slice(MAX_ITEMS);
    var response = await fetch("/offline/sync", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({items: batch})
    });
    // Logged out or a server in trouble: the items stay, for the next time.
    if (response.status === 401 || response.status >= 500) throw new Error("sync later: " + response.status);
    var answer = await response.json();
    // Answered (each item counted, refused or already known) or refused as a whole: done with them.
    await store("readwrite", function (queue) { batch.forEach(function (item) { queue.delete(item.key); }); });
    if (answer.summary) summaries.push(answer.summary);
    outcomes = outcomes.concat(answer.outcomes || []);
  }
  if (summaries.length) {
    lastNote = {summary: summaries.join("; "), outcomes: outcomes};
    var pages = await self.clients.matchAll({type: "window"});
    pages.forEach(function (page) { page.postMessage({type: "synced", note: lastNote}); });
  }
}

self.addEventListener("sync", function (event) {
  if (event.tag === "learnhub-queue") event.waitUntil(flush());
});

// ------------------------------------------------------------------ courses for offline

function metaKey(slug) { return "/offline/courses/" + slug + "?meta"; }

async function download(listUrl, withVideos) {
  var response = await fetch(listUrl, {credentials: "same-origin"});
  if (!response.ok || response.redirected) throw new Error("no list: " + response.status);
  var list = await response.json();
  var urls = [list.url].concat(list.pages, list.files);
  if (withVideos) list.videos.forEach(function (v) { if (v.phone_url) urls.push(v.phone_url); });
  var cache = await caches.open(COURSE + list.slug), bytes = 0;
  for (var i = 0; i < urls.length; i++) {
    // The header asks for files from this site, not a bucket's address (catalog/views.py).
    var page = await fetch(urls[i], {credentials: "same-origin", headers: {"X-Offline-Download": "1"}});
    // A redirect (to the login page, or "enrol first") is not the page: stop rather than keep it.
    if (!page.ok || page.redirected) throw new Error("not downloaded: " + urls[i]);
    bytes += (await page.clone().blob()).size;
    await cache.put(urls[i], page);
  }
  var meta = {slug: list.slug, title: list.title, url: list.url, list: listUrl, version: list.version,
    count: urls.length, bytes: bytes, videos: list.videos, withVideos: !!withVideos, at: Date.now()};
  // Pages of an older revision that the new one no longer has go.
  (await cache.keys()).forEach(function (key) {
    var path = new URL(key.url).pathname;
    if (urls.indexOf(path) < 0 && key.url.indexOf("?meta") < 0) cache.delete(key);
  });
  await cache.put(metaKey(list.slug), new Response(JSON.stringify(meta), {headers: {"Content-Type": "application/json"}}));
  return meta;
}

async function downloads() {
  var names = (await caches.keys()).filter(function (n) { return n.indexOf(COURSE) === 0; }), found = [];
  for (var i = 0; i < names.length; i++) {
    var meta = await caches.match(metaKey(names[i].slice(COURSE.length)), {cacheName: names[i]});
    if (meta) found.push(await meta.json());
  }
  return found;
}

// A downloaded course is downloaded again when a new revision of it is published.
async function update() {
  var updated = [], courses = await downloads();
  for (var i = 0; i < courses.length; i++) {
    var response = await fetch(courses[i].list, {credentials: "same-origin"});
    if (!response.ok || response.redirected) continue;
    if ((await response.json()).version !== courses[i].version) {
      await download(courses[i].list, courses[i].withVideos);
      updated.push(courses[i].title);
    }
  }
  return updated;
}

var checkedAt = 0;
var answers = {
  state: async function () {
    var items = await queued(), note = lastNote;
    var all = await store("readonly", function (queue) { return queue.count(); });
    lastNote = null;
    return {queued: items.map(function (item) { return item.path; }), others: all - items.length, note: note};
  },
  flush: function () { return flush().then(function () { return answers.state(); }); },
  download: function (data) { return download(data.list, data.videos); },
  remove: function (data) { return caches.delete(COURSE + data.slug); },
  hello: async function (data) {
    var before = await owner();
    if (before != null && before !== data.person) await forgetDownloads();
    await setOwner(data.person);
  },
  // Logged out: the person's downloads and queue go; another person's unsent learning stays.
  forget: async function () {
    var mine = (await queued()).map(function (item) { return item.key; });
    await forgetDownloads();
    await store("readwrite", function (queue) { mine.forEach(function (key) { queue.delete(key); }); });
    await setOwner(null);
  },
  courses: downloads,
  update: function () {
    if (Date.now() - checkedAt < 3600 * 1000) return [];
    checkedAt = Date.now();
    return update();
  }
};

self.addEventListener("message", function (event) {
  var data = event.data || {}, port = event.ports[0], answer = answers[data.type];
  if (!answer || !port) return;
  event.waitUntil(Promise.resolve().then(function () { return answer(data); }).then(
    function (result) { port.postMessage({ok: true, result: result}); },
    function (error) { port.postMessage({ok: false, error: String(error)}); }
  ));
});
