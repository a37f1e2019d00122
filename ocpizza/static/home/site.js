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
