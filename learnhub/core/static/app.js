/* Progressive help only: every page works without this file. */
(function () {
  "use strict";
  // Union picker: suggest matching unions while typing, as radio buttons the form already knows.
  document.querySelectorAll("[data-org-picker]").forEach(function (picker) {
    var input = picker.querySelector("input[type=text]");
    var box = picker.querySelector("[data-org-choices]");
    if (!input || !box || !window.fetch) return;
    var legend = box.querySelector("legend");
    var timer = null, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last) return;
        last = q;
        if (q.length < 1) { box.hidden = true; return; }
        fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (items) {
            box.querySelectorAll("label").forEach(function (l) { l.remove(); });
            items.forEach(function (item, i) {
              var label = document.createElement("label");
              label.className = "check";
              var radio = document.createElement("input");
              radio.type = "radio"; radio.name = "org_id"; radio.value = item.id;
              if (items.length === 1 || i === 0) radio.checked = items.length === 1;
              label.appendChild(radio);
              label.appendChild(document.createTextNode(" " + item.label));
              box.appendChild(label);
            });
            box.hidden = items.length === 0;
            if (legend) box.insertBefore(legend, box.firstChild);
          })
          .catch(function () { box.hidden = true; });
      }, 250);
    });
  });
})();
(function () {
  "use strict";
  // Module player: a heartbeat once the page has loaded (it records the opening: the page
  // itself only reads), then every 30 s (data-heartbeat-every) while the page is visible and its reader did something
  // (scrolled, touched, typed, played) in the last minute: the server counts that as study time.
  // Without JavaScript the time since opening counts instead, through the forms' "opened" note.
  document.querySelectorAll("[data-heartbeat-url]").forEach(function (player) {
    if (!window.fetch || !window.URLSearchParams) return;
    var lastActive = Date.now();
    function active() { lastActive = Date.now(); }
    ["scroll", "touchstart", "keydown", "mousemove", "click"].forEach(function (name) {
      window.addEventListener(name, active, {passive: true});
    });
    function beat() {
      // The page's "opened" note goes along: a heartbeat queued offline (offline.js) is checked by it.
      var body = new URLSearchParams({csrf_token: player.dataset.csrf, opened: player.dataset.opened || ""});
      fetch(player.dataset.heartbeatUrl, {method: "POST", body: body, credentials: "same-origin"})
        .catch(function () {});
    }
    window.addEventListener("load", beat);
    setInterval(function () {
      var playing = Array.prototype.some.call(document.querySelectorAll("video"), function (v) { return !v.paused; });
      if (document.visibilityState === "visible" && (playing || Date.now() - lastActive < 60000)) beat();
    }, 1000 * (parseInt(player.dataset.heartbeatEvery, 10) || 30));
  });
  // Video player: resume where I stopped, and save the position every 15 seconds and on pause.
  document.querySelectorAll("video[data-position-url]").forEach(function (video) {
    var start = parseInt(video.dataset.start || "0", 10);
    var last = -1;
    video.addEventListener("loadedmetadata", function () {
      if (start > 0 && start < video.duration - 5) video.currentTime = start;
    });
    // The ranges actually played, not the position: dragging to the end plays nothing.
    function played() {
      var parts = [];
      for (var i = 0; i < video.played.length; i++) {
        parts.push(video.played.start(i).toFixed(1) + "-" + video.played.end(i).toFixed(1));
      }
      return parts.filter(function (p) { var r = p.split("-"); return Number(r[0]) < Number(r[1]); }).join(",");
    }
    function save() {
      var seconds = Math.floor(video.currentTime || 0);
      if (seconds === last || !window.fetch) return;
      last = seconds;
      var body = new URLSearchParams({position: String(seconds), played: played(), csrf_token: video.dataset.csrf});
      fetch(video.dataset.positionUrl, {method: "POST", body: body, credentials: "same-origin"})
        .catch(function () { last = -1; });
    }
    setInterval(function () { if (!video.paused) save(); }, 15000);
    video.addEventListener("pause", save);
    video.addEventListener("ended", save);
  });
})();
