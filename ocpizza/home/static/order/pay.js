// Card payment with Stripe.js (works with Stripe and with localstripe's fake Stripe.js):
// 1. confirmCardSetup turns the card field into a PaymentMethod;
// 2. the server creates and confirms the PaymentIntent for the amount it computed;
// 3. if the bank asks for 3-D Secure, confirmCardPayment runs the challenge and the server
//    re-reads the intent. A declined card or failed authentication shows a message and the
//    customer can try again on the same order.
(function () {
  const config = JSON.parse(document.getElementById("pay-config").textContent);
  const form = document.getElementById("payment-form");
  const button = document.getElementById("pay-button");
  const errorBox = document.getElementById("payment-error");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const stripe = Stripe(config.publishableKey);
  const card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  let setupSecret = config.setupSecret;

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }
  function busy(on) {
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }
  function messageFor(error) {
    if (!error) return config.messages.generic;
    const code = error.code || "";
    if (code === "card_declined" || error.decline_code) return config.messages.card_declined;
    if (/authentication/i.test(code + " " + (error.message || ""))) return config.messages.authentication;
    if (code === "incomplete_number" || code === "incomplete_expiry" || code === "incomplete_cvc") return config.messages.incomplete;
    return config.messages.generic;
  }
  async function post(url, data) {
    const body = new URLSearchParams(data);
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin",
    });
    return response.json();
  }
  async function renewSetup() {
    // A SetupIntent is used once: the next try needs a new one.
    try {
      const data = await post(config.setupUrl, {});
      if (data.client_secret) setupSecret = data.client_secret;
    } catch (e) { /* the next submit will report the problem */ }
  }

  // The page itself never calls Stripe: its SetupIntent is asked for once it is shown, and the
  // customer is told at once when the payment service cannot be reached (503 with a message).
  if (!setupSecret) {
    renewSetup().then(function () {
      if (!setupSecret) showError(config.messages.unavailable);
    });
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (button.disabled) return;
    busy(true);
    showError("");
    try {
      if (!setupSecret) await renewSetup();
      if (!setupSecret) {
        showError(config.messages.unavailable);
        busy(false);
        return;
      }
      const setup = await stripe.confirmCardSetup(setupSecret, { payment_method: { card: card } });
      if (setup.error) {
        showError(messageFor(setup.error));
        if (setup.error.type !== "validation_error") {
          // Refused by the bank at this step: the server keeps a trace of the attempt.
          const code = setup.error.code || (/authentication/i.test(setup.error.message || "") ? "setup_intent_authentication_failure" : "");
          try { await post(config.refusedUrl, { code: code }); } catch (e) { /* only a trace */ }
        }
        await renewSetup();
        busy(false);
        return;
      }
      const pm = setup.setupIntent.payment_method;
      let result = await post(config.payUrl, { payment_method: typeof pm === "string" ? pm : pm.id });
      if (result.status === "requires_action") {
        await stripe.confirmCardPayment(result.client_secret);
        // Whatever the challenge answered, the server asks Stripe what happened.
        result = await post(config.checkUrl, { payment: result.payment });
      }
      if (result.redirect) {
        window.location.assign(result.redirect);
        return;
      }
      showError(result.message || config.messages.generic);
      await renewSetup();
      busy(false);
    } catch (e) {
      showError(config.messages.network);
      await renewSetup();
      busy(false);
    }
  });
})();
