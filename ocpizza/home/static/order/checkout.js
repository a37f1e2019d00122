// Shows the address only for delivery, and stops a second submit while the first is on its way
// (the server refuses a second order anyway: the form carries a one-time order number).
(function () {
  const form = document.querySelector("form.checkout");
  if (!form) return;
  const delivery = document.getElementById("delivery-fields");
  const newAddress = document.getElementById("new-address");
  function refresh() {
    const mode = form.querySelector("input[name=fulfilment]:checked");
    delivery.hidden = !mode || mode.value !== "delivery";
    const saved = form.querySelector("input[name=saved_address]:checked");
    newAddress.hidden = !!saved && saved.value !== "new";
  }
  form.addEventListener("change", refresh);
  refresh();
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelector("button[type=submit]").setAttribute("aria-busy", "true");
  });
})();
