// Keeps the order page live: every few seconds the status part is fetched again and replaced,
// without reloading the page; it stops once the order is delivered, cancelled or refused.
// Each fetch sends the ETag of the last answer: while nothing changed the server answers 304
// from its cache (no page built), and the part stays as it is.
(function () {
  // Ask before cancelling (a data attribute: the Content-Security-Policy refuses inline handlers).
  document.addEventListener("submit", function (event) {
    const question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  const box = document.getElementById("order-live");
  if (!box || !box.dataset.refreshUrl) return;
  const url = box.dataset.refreshUrl;
  const finals = ["delivered", "cancelled", "refused"];
  let etag = "";
  async function refresh() {
    try {
      const headers = { "X-Requested-With": "fetch" };
      if (etag) headers["If-None-Match"] = etag;
      const response = await fetch(url, { credentials: "same-origin", headers: headers, cache: "no-store" });
      if (response.status === 200) {
        etag = response.headers.get("ETag") || "";
        const html = await response.text();
        if (html !== box.dataset.last) {
          box.innerHTML = html;
          box.dataset.last = html;
        }
        const section = box.querySelector("[data-status]");
        if (section && finals.includes(section.dataset.status)) return;
      }
    } catch (e) { /* offline for a moment: try again later */ }
    setTimeout(refresh, 4000);
  }
  setTimeout(refresh, 4000);
})();
