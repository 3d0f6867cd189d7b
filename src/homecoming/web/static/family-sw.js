// The family page's service worker: shows a push as a notice and opens the family page on a
// click. A push carries only "there is news on your case: open the family page".
"use strict";

self.addEventListener("push", function (event) {
  var data = { title: "", body: "", url: "/family/case" };
  try { data = Object.assign(data, event.data ? event.data.json() : {}); } catch (error) { /* keep */ }
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body,
    data: { url: data.url },
    icon: "/ui/static/favicon.svg"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/family/case";
  if (url.charAt(0) !== "/") { url = "/family/case"; }  // only this site's family page
  event.waitUntil(self.clients.openWindow(url));
});
