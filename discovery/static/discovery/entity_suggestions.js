/*
 * Suggestions while typing in the article form (server side: discovery/admin.py,
 * discovery/services.py `suggestions_for_text`).
 *
 * A moment after the editor stops typing in the headline, dek, key points or body, the
 * text is posted (with the CSRF token) to the suggestions endpoint. The answer lists
 * the known people, places and events the text names, variant spellings of known ones
 * ("Sergej Lawrow → Sergey Lavrov? 90") and new names. "Add" puts one in the form's
 * hidden `entity_links` field, listed under "Linked when you save" with a "Remove"
 * button; nothing is linked until the form is saved.
 *
 * All text from the server is set with textContent, never as HTML.
 */
(function () {
  "use strict";

  const FIELDS = ["headline", "dek", "key_points", "body"];
  const KIND_WORDS = { person: "person", place: "place", event: "event" };

  function start() {
    const root = document.getElementById("entity-suggestions");
    const form = document.getElementById("article_form");
    if (!root || !form) return;
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const links = form.elements.namedItem("entity_links");
    const status = document.getElementById("entity-suggestions-status");
    const list = document.getElementById("entity-suggestions-list");
    const chosenBox = document.getElementById("entity-links-chosen");
    const chosenList = document.getElementById("entity-links-list");
    const delay = Number(root.dataset.delayMs) || 600;
    const labels = {}; // token -> what "Linked when you save" says
    let timer = null;
    let asked = 0;

    function chosen() {
      return links.value.split("\n").filter((t) => t.trim());
    }

    function setChosen(tokens) {
      links.value = tokens.join("\n");
      chosenList.replaceChildren();
      tokens.forEach((token) => {
        const item = document.createElement("li");
        const text = document.createElement("span");
        text.textContent = labels[token] || token.split(":").slice(3).join(":") || token;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove " + text.textContent);
        remove.addEventListener("click", () => {
          setChosen(chosen().filter((t) => t !== token));
          status.textContent = text.textContent + " will not be linked.";
          ask();
        });
        item.append(text, remove);
        chosenList.append(item);
      });
      chosenBox.hidden = tokens.length === 0;
    }

    function currentText() {
      const body = new FormData();
      body.append("csrfmiddlewaretoken", csrf);
      FIELDS.forEach((name) => {
        const element = form.elements.namedItem(name);
        if (element) body.append(name, element.value || "");
      });
      return body;
    }

    function row(label, note, token, addLabel) {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "suggestion-name";
      name.textContent = label;
      item.append(name);
      if (note) {
        const extra = document.createElement("span");
        extra.className = "suggestion-note";
        extra.textContent = note;
        item.append(extra);
      }
      if (token && !chosen().includes(token)) {
        const add = document.createElement("button");
        add.type = "button";
        add.className = "button";
        add.textContent = "Add";
        add.setAttribute("aria-label", addLabel);
        add.addEventListener("click", () => {
          labels[token] = label + (note ? " (" + note + ")" : "");
          setChosen([...chosen(), token]);
          add.remove();
          status.textContent = label + " will be linked when you save.";
        });
        item.append(add);
      } else if (token) {
        const added = document.createElement("span");
        added.className = "suggestion-note";
        added.textContent = "added";
        item.append(added);
      }
      return item;
    }

    function section(title, items) {
      if (!items.length) return null;
      const wrapper = document.createElement("div");
      const heading = document.createElement("h3");
      heading.textContent = title;
      const ul = document.createElement("ul");
      items.forEach((item) => ul.append(item));
      wrapper.append(heading, ul);
      return wrapper;
    }

    function show(answer) {
      const known = answer.known.map((s) =>
        row(s.name, KIND_WORDS[s.kind] + ", known", s.token, "Add " + s.name)
      );
      const variants = answer.variants.map((s) =>
        row(
          s.name + " → " + s.known_name + "? " + s.score,
          "another spelling of a known " + KIND_WORDS[s.kind],
          answer.can_create ? s.token : null,
          "Add " + s.name + " as " + s.known_name
        )
      );
      const fresh = answer.new.map((s) =>
        row(
          s.name,
          "new " + KIND_WORDS[s.kind] + (s.evidence.length ? ": " + s.evidence.join("; ") : ""),
          answer.can_create ? s.token : null,
          "Add " + s.name + " as a new " + KIND_WORDS[s.kind]
        )
      );
      const parts = [
        section("Known", known),
        section("Other spellings of known names", variants),
        section("New names", fresh),
      ].filter(Boolean);
      list.replaceChildren(...parts);
      const total = known.length + variants.length + fresh.length;
      status.textContent = total
        ? total + (total === 1 ? " suggestion." : " suggestions.")
        : "No people, places or events found yet.";
    }

    function ask() {
      const number = ++asked;
      fetch(root.dataset.url, {
        method: "POST",
        body: currentText(),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf },
      })
        .then((response) =>
          response.json().then((answer) => ({ ok: response.ok, answer: answer }))
        )
        .then(({ ok, answer }) => {
          if (number !== asked) return; // a newer question is on its way
          if (!ok) {
            status.textContent = answer.error || "Suggestions are unavailable just now.";
            return;
          }
          show(answer);
        })
        .catch(() => {
          status.textContent = "Suggestions are unavailable just now.";
        });
    }

    form.addEventListener("input", (event) => {
      if (!event.target || !FIELDS.includes(event.target.name)) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, delay);
    });
    setChosen(chosen()); // a refused save keeps what was added
    const hasText = FIELDS.some((name) => {
      const element = form.elements.namedItem(name);
      return element && element.value.trim();
    });
    if (hasText) ask();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
