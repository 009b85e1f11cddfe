// Moderation queue: keyboard shortcuts and "select all". The page works without it:
// every action is a button in a plain form, and the shortcuts only press those buttons.
(() => {
  "use strict";
  const form = document.getElementById("bulk");
  if (!form) return;
  const items = [...form.querySelectorAll(".queue-item")];
  const position = document.getElementById("queue-position");
  const help = document.getElementById("shortcuts");
  let current = -1;

  const boxes = () => [...form.querySelectorAll('input[name="comments"]')];
  const selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.closest("label").hidden = false;
    selectAll.addEventListener("change", () => {
      boxes().forEach((box) => { box.checked = selectAll.checked; });
    });
    form.addEventListener("change", (event) => {
      if (event.target.name !== "comments") return;
      const checked = boxes().filter((box) => box.checked).length;
      selectAll.checked = checked === boxes().length;
      selectAll.indeterminate = checked > 0 && checked < boxes().length;
    });
  }

  const go = (index) => {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((item, i) => item.classList.toggle("is-current", i === current));
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
    if (position) position.textContent = `Comment ${current + 1} of ${items.length}`;
  };
  const press = (selector) => {
    const button = current >= 0 && items[current].querySelector(selector);
    if (button) button.click();
  };
  items.forEach((item, i) => item.addEventListener("focusin", () => {
    current = i;
    items.forEach((other, j) => other.classList.toggle("is-current", j === i));
  }));

  const typing = (el) => el.isContentEditable
    || el.tagName === "TEXTAREA" || el.tagName === "SELECT"
    || (el.tagName === "INPUT" && !["checkbox", "radio", "submit", "button"].includes(el.type));

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (typing(target)) {
      if (target.matches("[data-reason]")) {
        const row = target.closest(".queue-item");
        if (event.key === "Enter") {  // reject this row, not the bulk action
          event.preventDefault();
          row.querySelector('[data-key="r"]').click();
        } else if (event.key === "Escape") {
          row.focus();
        }
      }
      return;
    }
    switch (event.key) {
      case "j": go(current + 1); break;
      case "k": go(current - 1); break;
      case "a": press('[data-key="a"]'); break;
      case "f": press('[data-key="f"]'); break;
      case "x": press('input[name="comments"]'); break;
      case "r": {
        const reason = current >= 0 && items[current].querySelector("[data-reason]");
        if (reason) reason.focus();
        break;
      }
      case "?": if (help) help.open = !help.open; break;
      default: return;
    }
    event.preventDefault();
  });
})();
