/*
 * The article change form, edited alongside others (server side: articles/editing.py).
 *
 * - Presence: every few seconds the form tells the server it is still open; the answer
 *   says who else has the article open and whether someone saved a newer version, shown
 *   above the fields without a reload (as Wagtail's editing sessions do).
 * - Autosave: typed but unsaved text (headline, dek, body, key points) is sent to the
 *   server every few seconds. It never changes the article; reopening the article offers
 *   it back ("Restore your unsaved changes from 17:05") or lets the editor discard it.
 *
 * All text from the server is set with textContent, never as HTML.
 */
(function () {
  "use strict";

  // The body is a django-prose-editor (Tiptap/ProseMirror) editor over a hidden
  // textarea; it announces itself with this event, which can fire before our set-up.
  let bodyEditor = null;
  document.addEventListener("prose-editor:ready", function (event) {
    if (event.detail && event.detail.textarea && event.detail.textarea.name === "body") {
      bodyEditor = event.detail.editor;
    }
  });

  const FIELDS = ["headline", "dek", "body", "key_points"];

  function start() {
    const root = document.getElementById("article-editing");
    const form = document.getElementById("article_form");
    if (!root || !form) return;
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const versionInput = form.querySelector("input[name=version_opened]");
    const presence = document.getElementById("editing-presence");
    const newer = document.getElementById("editing-newer");
    const status = document.getElementById("autosave-status");

    function post(url, fields) {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrf);
      body.append("version_opened", versionInput ? versionInput.value : "");
      Object.entries(fields || {}).forEach(([name, value]) => body.append(name, value));
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf },
      });
    }

    function show(element, text) {
      element.textContent = text || "";
      element.hidden = !text;
    }

    function listNames(names) {
      if (names.length < 2) return names.join("");
      return names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
    }

    // --- presence

    function ping() {
      post(root.dataset.pingUrl)
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => {
          if (!answer) return;
          const others = answer.others || [];
          show(
            presence,
            others.length
              ? listNames(others) + (others.length === 1 ? " is" : " are") +
                  " also editing this article."
              : ""
          );
          show(newer, answer.newer ? answer.newer.message : "");
        })
        .catch(() => {}); // offline for a moment: the next ping tries again
    }
    ping();
    const pingTimer = window.setInterval(ping, Number(root.dataset.pingMs) || 10000);

    // --- autosave

    function field(name) {
      return form.elements.namedItem(name);
    }

    function currentValues() {
      const values = {};
      FIELDS.forEach((name) => {
        const element = field(name);
        if (element) values[name] = element.value;
      });
      return values;
    }

    let dirty = false;
    let submitting = false;
    form.addEventListener("input", (event) => {
      if (event.target && FIELDS.includes(event.target.name)) {
        dirty = true;
        status.textContent = "Typing… your changes will be kept in a few seconds.";
      }
    });

    function autosave() {
      if (!dirty || submitting) return;
      dirty = false;
      post(root.dataset.autosaveUrl, { data: JSON.stringify(currentValues()) })
        .then((response) => {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then((answer) => {
          status.textContent = "Unsaved changes kept at " + answer.time + ".";
        })
        .catch(() => {
          dirty = true; // try again next time
          status.textContent = "Could not keep your unsaved changes; they are only in this tab.";
        });
    }
    const autosaveTimer = window.setInterval(
      autosave, Number(root.dataset.autosaveMs) || 3000
    );

    form.addEventListener("submit", () => {
      submitting = true;
      window.clearInterval(autosaveTimer);
    });

    // Leaving the page: others should stop seeing this editor at once.
    window.addEventListener("pagehide", () => {
      window.clearInterval(pingTimer);
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrf);
      navigator.sendBeacon(root.dataset.endUrl, body);
    });

    // --- offering back an earlier autosave

    const offer = document.getElementById("autosave-offer");
    if (!offer) return;
    const saved = JSON.parse(document.getElementById("autosave-data").textContent);

    document.getElementById("autosave-restore").addEventListener("click", () => {
      FIELDS.forEach((name) => {
        if (!(name in saved)) return;
        const element = field(name);
        if (!element) return;
        const editor = name === "body" ? bodyEditor || editorOf(element) : null;
        if (editor) {
          editor.commands.setContent(saved[name]);
        }
        element.value = saved[name];
      });
      // The text was typed on an older version: saving it must pass the same conflict
      // check as a save from that version, never silently replace what was saved since.
      if (versionInput && offer.dataset.versionOpened) {
        versionInput.value = offer.dataset.versionOpened;
      }
      dirty = true; // keep the restored text even if the tab closes again
      offer.remove();
      status.textContent = "Your unsaved changes are back in the form. Save to keep them.";
    });

    document.getElementById("autosave-discard").addEventListener("click", () => {
      post(root.dataset.discardUrl).finally(() => {
        offer.remove();
        status.textContent = "Your unsaved changes were discarded.";
      });
    });
  }

  // Tiptap keeps its editor on the editable element, should the ready event be missed.
  function editorOf(textarea) {
    const container = textarea.closest(".prose-editor") || textarea.parentElement;
    const editable = container && container.querySelector(".ProseMirror[contenteditable]");
    return editable && editable.editor ? editable.editor : null;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
