// Starts ReDoc on lekstat's OpenAPI description, from a served file (no inline script).
"use strict";
(function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.getAttribute("data-openapi-url"), { hideDownloadButton: false }, root);
})();
