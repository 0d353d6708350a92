// Live preview for the editor: the server renders with exactly the code that renders pages.
// Without JavaScript the Preview button does the same through the form.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.fetch) return;
  var textarea = document.getElementById("markdown");
  var preview = document.getElementById("preview");
  var timer = null;
  var sequence = 0;

  function refresh() {
    var mine = ++sequence;
    var body = new URLSearchParams();
    body.set("markdown", textarea.value);
    body.set("csrf", form.elements.csrf.value);
    fetch(form.dataset.preview, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { if (mine === sequence) preview.innerHTML = html; })
      .catch(function () { /* keep the last preview; saving still works */ });
  }

  textarea.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  refresh();
})();
