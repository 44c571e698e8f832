// The API's description in Swagger UI, from the app's own copy (no outside request: the
// online validator is off). "Try it out" uses the signed-in session or a pasted token.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("api-docs");
  if (!holder || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: holder.dataset.spec,
    domNode: holder,
    validatorUrl: null,
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    requestInterceptor: (request) => {
      const token = document.querySelector('meta[name="csrf-token"]');
      if (token) request.headers["X-CSRFToken"] = token.content;
      return request;
    },
  });
});
