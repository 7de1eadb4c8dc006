/*
 * lekstat portal: two small improvements. Every page works without this file.
 * - A print button on the receipt (hidden without JavaScript: the browser's own print works).
 * - A file dropped on the upload field is put into it, as if picked.
 */
(function () {
  "use strict";

  document.querySelectorAll(".lk-print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  document.querySelectorAll(".lk-drop-zone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) {
      return;
    }
    var text = document.createElement("span");
    text.className = "lk-drop-zone__text";
    text.setAttribute("aria-hidden", "true");
    text.textContent = zone.getAttribute("data-drop-text") || "";
    zone.appendChild(text);
    zone.classList.add("lk-drop-zone--active");

    function over(event) {
      event.preventDefault();
      zone.classList.add("lk-drop-zone--over");
    }
    function leave() {
      zone.classList.remove("lk-drop-zone--over");
    }
    zone.addEventListener("dragenter", over);
    zone.addEventListener("dragover", over);
    zone.addEventListener("dragleave", leave);
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      leave();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length === 1) {
        input.files = files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
