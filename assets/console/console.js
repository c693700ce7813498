// The staff console's only script: upload progress. A form marked
// `data-upload` is sent with XMLHttpRequest so a progress bar can show how
// much has gone; without this script the form posts as usual.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-upload]")) {
    form.addEventListener("submit", (event) => {
      if (!window.XMLHttpRequest || !window.FormData) return;
      event.preventDefault();
      const bar = form.querySelector("progress");
      const button = form.querySelector("button[type=submit]");
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      if (bar) { bar.hidden = false; bar.value = 0; }
      if (button) button.disabled = true;
      request.upload.addEventListener("progress", (progress) => {
        if (bar && progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
      });
      request.addEventListener("load", () => {
        // The console answers with a redirect (followed here, to the page
        // showing the result once) or with the page and its error: show
        // that page, at its address.
        if (request.responseURL) window.history.replaceState(null, "", request.responseURL);
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", () => {
        if (button) button.disabled = false;
        if (bar) bar.hidden = true;
        form.submit();
      });
      request.send(new FormData(form));
    });
  }
});
