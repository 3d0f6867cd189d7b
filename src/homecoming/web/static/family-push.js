// The family page's "turn on notices" button: registers the service worker, subscribes this
// browser to Web Push with the server's VAPID key, and hands the subscription to /family/push.
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) { return; }
  var button = box.querySelector("[data-push-subscribe]");
  var status = box.querySelector("[data-push-status]");

  function applicationServerKey(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/");
    padded += "====".slice(0, (4 - padded.length % 4) % 4);
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function fail(error) {
    status.textContent = box.dataset.failed;
    status.dataset.error = String((error && (error.name + ": " + error.message)) || error);
    button.disabled = false;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    status.textContent = box.dataset.unsupported;
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.serviceWorker.register("/family/sw.js", { scope: "/family/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: applicationServerKey(box.dataset.key)
        });
      })
      .then(function (subscription) {
        var json = subscription.toJSON();
        var body = new URLSearchParams({
          endpoint: json.endpoint,
          p256dh: json.keys.p256dh,
          auth: json.keys.auth,
          csrf_token: box.dataset.token
        });
        return fetch("/family/push", { method: "POST", body: body, credentials: "same-origin" });
      })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("HTTP " + answer.status); }
        window.location.assign("/family/case?done=push");
      })
      .catch(fail);
  });
}());
