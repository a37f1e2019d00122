// Public site: "Me localiser" sorts pizzerias by distance from the browser's position.
(function () {
  var button = document.getElementById("locate-me");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var url = new URL(window.location.href);
        url.searchParams.delete("cp");
        url.searchParams.set("lat", position.coords.latitude.toFixed(5));
        url.searchParams.set("lon", position.coords.longitude.toFixed(5));
        window.location.assign(url.toString());
      },
      function () {
        // Refused or unavailable: say so (issue 19), and offer the postcode instead.
        button.disabled = false;
        var error = document.getElementById("locate-error");
        if (error) error.hidden = false;
        var input = document.getElementById("id_cp");
        if (input) input.focus();
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();

// Catalogue: the price of a customised pizza, updated as the customer chooses. It only adds up
// the prices the server wrote on the card (size, dearer half, extras); the server prices the line
// again when it reaches the cart (product.line_recipe). Extras the shop cannot add in the chosen
// size are disabled here and refused by the server too.
(function () {
  function euros(value) {
    return value.toFixed(2).replace(".", ",") + " €";
  }
  function update(form) {
    var size = form.querySelector("input[name=size]:checked");
    var output = form.querySelector(".live-price .price-value");
    if (!size || !output) return;
    var id = size.value;
    var price = parseFloat(size.dataset.price);
    var half = form.querySelector("select[name=half]");
    if (half && half.value) {
      var prices = JSON.parse(half.selectedOptions[0].dataset.prices || "{}");
      if (prices[id] === undefined) {
        output.textContent = "—";
        return;
      }
      price = Math.max(price, parseFloat(prices[id]));
    }
    form.querySelectorAll("input[name=extra]").forEach(function (box) {
      var prices = JSON.parse(box.dataset.prices || "{}");
      var possible = (box.dataset.sizes || "").split(" ").indexOf(id) !== -1;
      box.disabled = !possible;
      if (!possible) box.checked = false;
      var label = box.parentElement.querySelector(".extra-price");
      if (label) label.textContent = prices[id] !== undefined ? (possible ? "+" + euros(parseFloat(prices[id])) : "épuisé") : "";
      if (box.checked) price += parseFloat(prices[id]);
    });
    output.textContent = euros(price);
  }
  document.querySelectorAll("form.add").forEach(function (form) {
    if (!form.querySelector("input[name=size]")) return;
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();
