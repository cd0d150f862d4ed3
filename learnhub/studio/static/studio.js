/* Studio: the lesson editor's preview follows the text as the trainer types.
   Without this file the Preview button does the same through the server. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var box = document.querySelector("[data-preview]");
  if (!form || !box || !window.fetch || !window.DOMParser) return;
  var body = form.querySelector("textarea[name=body]");
  var removed = document.querySelector("[data-preview-removed]");
  var error = document.querySelector("[data-preview-error]");
  var token = form.querySelector("input[name=csrf_token]");
  var timer = null, last = body ? body.value : "";
  if (!body || !token) return;
  function show(data) {
    error.hidden = !data.error;
    error.textContent = data.error || "";
    if (data.error) return;
    // The server's HTML is already sanitised; parse it rather than assign innerHTML.
    var doc = new DOMParser().parseFromString("<div>" + data.html + "</div>", "text/html");
    box.replaceChildren.apply(box, Array.prototype.slice.call(doc.body.firstChild.childNodes));
    removed.hidden = !data.removed;
    removed.textContent = data.removed || "";
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (body.value === last) return;
      last = body.value;
      var data = new URLSearchParams({body: body.value, csrf_token: token.value});
      fetch(form.dataset.previewUrl, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(show)
        .catch(function () { /* the Preview button still works */ });
    }, 600);
  });
})();
