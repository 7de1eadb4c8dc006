// Starts Swagger UI on lekstat's OpenAPI description. A served file, not an inline script, so
// the page's Content-Security-Policy needs no 'unsafe-inline' for scripts.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    // The default asks validator.swagger.io to check the description: another host.
    validatorUrl: null,
    showExtensions: true,
    showCommonExtensions: true,
  });
})();
