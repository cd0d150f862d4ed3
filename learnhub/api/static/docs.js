// Start Swagger UI on this site's OpenAPI description (an external file: the CSP allows no inline script).
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
  });
})();
