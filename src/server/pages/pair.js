// Trades the one-time credential in the URL's fragment (never sent to the server, so never
// logged) for a session cookie, then opens the app.
(function () {
  // A new link opened in this same tab changes only the fragment: start over with it.
  window.addEventListener("hashchange", function () {
    location.reload();
  });
  var status = document.getElementById("status");
  var help = document.getElementById("help");
  var match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  // The credential must not stay in the address bar or the history.
  history.replaceState(null, "", location.pathname);
  function fail(message) {
    status.textContent = message;
    help.hidden = false;
  }
  if (!match) {
    fail("This link carries no pairing credential.");
    return;
  }
  fetch("/api/auth/bootstrap", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ credential: decodeURIComponent(match[1]) }),
  })
    .then(function (response) {
      return response.json().then(function (body) {
        if (response.ok) {
          status.textContent = "Signed in. Opening t3rs…";
          location.replace("/");
        } else {
          fail((body && body.error) || "Pairing failed (" + response.status + ").");
        }
      });
    })
    .catch(function (err) {
      fail("Pairing failed: " + err);
    });
})();
