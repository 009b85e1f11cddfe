/*
 * People and places suggested as the reader types in the search box.
 *
 * Progressive enhancement: without this script the box is a plain search field and
 * the form submits as usual. With it, the field becomes an ARIA 1.2 combobox with a
 * listbox popup (the "list autocomplete" pattern of the ARIA Authoring Practices):
 *
 *   Down / Up     open the list, move through the suggestions (focus stays in the box,
 *                 the active option is named by aria-activedescendant)
 *   Enter         on a suggestion: open that person's or place's page;
 *                 with no suggestion chosen: search, as without the script
 *   Escape        close the list; pressed again, clear the box
 *   click / tap   open the suggestion's page
 *
 * Choosing a suggestion opens the entity's page rather than searching for its name:
 * the page lists every article that names the person under any spelling ("Sergei" or
 * "Sergey Lavrov"), which a text search for one spelling would not. A status region
 * announces how many suggestions there are. Text from the server is only ever set
 * with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var MIN_LETTERS = 2;

  function enhance(input) {
    var url = input.getAttribute("data-suggest-url");
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var options = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = "";

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People and places");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    function open() {
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      activate(-1);
    }

    function activate(index) {
      options.forEach(function (option, n) {
        option.element.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      window.location.assign(options[index].url);
    }

    function render(results) {
      list.textContent = "";
      options = results.map(function (result, n) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        var detail = document.createElement("span");
        item.id = listId + "-" + n;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        name.className = "suggestion-name";
        name.textContent = result.name;
        detail.className = "suggestion-detail";
        detail.textContent = [
          result.kind === "person" ? "Person" : "Place",
          result.description,
          result.also ? "also " + result.also : "",
        ].filter(Boolean).join(" · ");
        item.append(name, " ", detail);
        item.addEventListener("click", function () {
          choose(n);
        });
        list.append(item);
        return { element: item, url: result.url };
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        open();
      } else {
        close();
      }
      status.textContent = options.length
        ? options.length + (options.length === 1 ? " suggestion" : " suggestions") +
          ". Use the up and down arrows to choose."
        : "No suggestions.";
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) {
        return;
      }
      lastQuery = query;
      if (pending) {
        pending.abort();
      }
      if (query.replace(/[\s\W_]/g, "").length < MIN_LETTERS) {
        options = [];
        list.textContent = "";
        status.textContent = "";
        close();
        return;
      }
      pending = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: pending.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) {
            render(data.results || []);
          }
        })
        .catch(function () {
          /* aborted by a newer keystroke, or offline: the form still works */
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!options.length) {
            return;
          }
          event.preventDefault();
          open();
          activate(expanded ? (active + 1) % options.length : 0);
          break;
        case "ArrowUp":
          if (!options.length) {
            return;
          }
          event.preventDefault();
          open();
          activate(expanded && active > 0 ? active - 1 : options.length - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(active);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            lastQuery = "";
            options = [];
            status.textContent = "";
          }
          break;
        default:
          break;
      }
    });

    // Keep focus in the box when an option is pressed, so the click lands.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(enhance);
})();
