/* Offline learning, the page's side (learnhub/offline/__init__.py). Progressive help only:
 * without JavaScript, or in a browser without service workers, every page works online as before. */
(function () {
  "use strict";
  // The menu says "offline" plainly while there is no network.
  var badge = document.querySelector("[data-offline-badge]");
  var offlineOnly = document.querySelectorAll("[data-offline-only]");
  function showNetwork() {
    if (badge) badge.hidden = navigator.onLine;
    offlineOnly.forEach(function (el) { el.hidden = navigator.onLine; });
  }
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  showNetwork();
  if (!("serviceWorker" in navigator) || !window.MessageChannel || !window.caches) return;

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }
  function size(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }
  // A question to the service worker, answered through a channel of its own.
  function ask(message) {
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          if (event.data.ok) resolve(event.data.result); else reject(new Error(event.data.error));
        };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }

  // One line above the page's content: what waits to be sent, what was sent, what was updated.
  var note = document.querySelector("[data-offline-note]");
  function say(text, waiting) {
    if (!note || !text) return;
    note.textContent = text;
    note.hidden = false;
    note.dataset.showing = waiting ? "waiting" : "news";
  }
  function showState(state) {
    // Reading time waits quietly; what the worker did (finished, answered) is counted aloud.
    var done = state.queued.filter(function (path) { return !/\/heartbeat$/.test(path); }).length;
    if (state.note) say(fill(note.dataset.synced, {summary: state.note.summary}));
    else if (done) say(fill(note.dataset.waiting, {num: done}), true);
    // "Waiting" goes once nothing waits; what was synced or updated stays until the next page.
    else if (note && note.dataset.showing === "waiting") note.hidden = true;
    // The module page says when what was posted from it waits for the network.
    var here = document.querySelector("[data-offline-queued]");
    var kind = new URLSearchParams(location.search).get("queued");
    var mine = state.queued.some(function (path) { return path === location.pathname + "/" + kind; });
    if (here && mine && here.dataset[kind]) {
      here.textContent = here.dataset[kind];
      here.hidden = false;
    } else if (here) {
      here.hidden = true;
    }
  }
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "synced") ask({type: "state"}).then(showState);
  });
  // A network just back is often not quite back: a sync that fails is tried again a few times.
  var tries = 0;
  function syncNow() {
    ask({type: "flush"}).then(function (state) { tries = 0; showState(state); }, function () {
      ask({type: "state"}).then(showState);
      if (navigator.onLine && ++tries < 4) setTimeout(syncNow, 10000 * tries);
    });
  }
  window.addEventListener("online", syncNow);

  // Logging out: the queue goes first; what cannot go is not deleted without the worker's word.
  // Once the server has logged the person out, this phone forgets their downloads and queue
  // (the response's Clear-Site-Data does it too, in the browsers that obey it).
  function within(ms, promise) {
    return Promise.race([promise, new Promise(function (resolve, reject) { setTimeout(reject, ms); })]);
  }
  // A signal just back may fail the first sending, and a sending only takes what was queued when
  // it began (the one the signal's return set off may be under way, and the player may queue a
  // heartbeat meanwhile): a failure (not a sending that takes too long), or learning still
  // queued after a sending, is tried twice more, two seconds apart.
  function sendBeforeLogout(tries) {
    function again() {
      return new Promise(function (wait) { setTimeout(wait, 2000); }).then(function () { return sendBeforeLogout(tries - 1); });
    }
    return within(20000, ask({type: "flush"})).then(function (state) {
      return state.queued.length && tries > 1 && navigator.onLine ? again() : state;
    }, function (error) {
      if (!error || tries <= 1 || !navigator.onLine) throw error;
      return again();
    });
  }
  var logout = document.querySelector("form[data-logout]");
  if (logout && note) logout.addEventListener("submit", function (event) {
    if (!navigator.serviceWorker.controller) return; // nothing kept for offline: as ever
    event.preventDefault();
    sendBeforeLogout(3).catch(function () { return within(3000, ask({type: "state"})); }).catch(
      function () { return {queued: [], others: 0}; }
    ).then(function (state) {
      var waiting = state.queued.length, form = new FormData(logout);
      if (waiting && !window.confirm(fill(note.dataset.unsent, {num: waiting}))) return;
      if (state.others) form.append("keep_offline", "1"); // another person's learning waits here
      return fetch(logout.action, {method: "POST", body: form, credentials: "same-origin", redirect: "manual"})
        .then(function (response) {
          if (response.type !== "opaqueredirect") return logout.submit(); // the server has its say
          return within(5000, ask({type: "forget"})).catch(function () {}).then(function () { location.assign("/"); });
        }, function () { window.alert(note.dataset.cannotLogout); });
    });
  });

  // The course page's panel: download for offline, what is downloaded and its size, remove.
  var panel = document.querySelector("[data-offline-panel]");
  function showCourse(meta) {
    var state = panel.querySelector("[data-offline-state]");
    var videos = panel.querySelector("[data-offline-videos]");
    state.textContent = meta ? fill(panel.dataset.done, {count: meta.count, size: size(meta.bytes)}) : panel.dataset.none;
    panel.querySelector("[data-offline-remove]").hidden = !meta;
    panel.querySelector("[data-offline-download]").textContent = meta ? panel.dataset.downloadAgain : panel.dataset.download;
    var videoBytes = meta ? meta.videos.reduce(function (sum, v) { return sum + (v.phone_url ? 0 : v.bytes || 0); }, 0) : 0;
    videos.hidden = !videoBytes;
    if (videoBytes) videos.textContent = fill(panel.dataset.videos, {size: size(videoBytes)});
  }
  function courseState() {
    return ask({type: "courses"}).then(function (courses) {
      showCourse(courses.filter(function (c) { return c.slug === panel.dataset.slug; })[0]);
    });
  }
  if (panel) {
    panel.querySelector("[data-offline-download]").addEventListener("click", function () {
      var state = panel.querySelector("[data-offline-state]");
      state.textContent = panel.dataset.busy;
      ask({type: "download", list: panel.dataset.listUrl, videos: false}).then(function (meta) {
        // Videos only in a phone-sized rendition, and only once the worker has seen their size.
        var phone = meta.videos.filter(function (v) { return v.phone_url; });
        var bytes = phone.reduce(function (sum, v) { return sum + (v.bytes || 0); }, 0);
        if (phone.length && window.confirm(fill(panel.dataset.askVideos, {size: size(bytes)}))) {
          return ask({type: "download", list: panel.dataset.listUrl, videos: true});
        }
        return meta;
      }).then(showCourse, function () { state.textContent = panel.dataset.failed; });
    });
    panel.querySelector("[data-offline-remove]").addEventListener("click", function () {
      ask({type: "remove", slug: panel.dataset.slug}).then(function () {
        showCourse(null);
        panel.querySelector("[data-offline-state]").textContent = panel.dataset.removed;
      });
    });
  }

  // The offline page lists the downloaded courses.
  var list = document.querySelector("[data-offline-courses]");
  function listCourses(courses) {
    if (!courses.length) return;
    list.textContent = "";
    courses.forEach(function (course) {
      var item = document.createElement("li"), link = document.createElement("a");
      link.href = course.url;
      link.textContent = course.title;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" · " + size(course.bytes)));
      list.appendChild(item);
    });
  }

  // Registered once the page has loaded, so that a first visit weighs what it did before.
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
    navigator.serviceWorker.ready.then(function () {
      // Whose phone it is now: another person's downloads go, their unsent learning waits for them.
      if (note && note.dataset.person) return ask({type: "hello", person: note.dataset.person}).catch(function () {});
    }).then(function () {
      if (panel) { panel.hidden = false; courseState(); }
      if (list) ask({type: "courses"}).then(listCourses);
      if (!navigator.onLine) return ask({type: "state"}).then(showState);
      syncNow();
      ask({type: "update"}).then(function (titles) {
        if (titles.length) say(fill(note.dataset.updated, {titles: titles.join("、")}));
        if (titles.length && panel) courseState();
      });
    });
  });
})();
