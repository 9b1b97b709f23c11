// 语音阅读 is an on/off switch that works by keyboard: Tab reaches it, Enter turns reading on,
// Enter again turns it off. Where the browser has no voice (headless CI has none), turning it on
// must say so in the live region and fall back to off rather than pretend to read. What is read
// starts with the page's title and main text, not with the 文件信息 table's labels.

function switchState(page) {
  return page.evaluate(() => {
    const button = document.querySelector('[data-action="speak"]');
    return {
      pressed: button?.getAttribute("aria-pressed"),
      speaking: window.speechSynthesis ? speechSynthesis.speaking || speechSynthesis.pending : false,
      status: document.querySelector(".speak-status")?.textContent.trim() ?? "",
    };
  });
}

export async function speechCheck({ browser, url }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  try {
    const page = await context.newPage();
    // Keep the text handed to the speech engine (the engine still gets it).
    await page.addInitScript(() => {
      if (!window.speechSynthesis) return;
      const speak = speechSynthesis.speak.bind(speechSynthesis);
      speechSynthesis.speak = (u) => {
        window.__spokenText = u.text;
        speak(u);
      };
    });
    await page.goto(url);
    const found = await page.locator('button[data-action="speak"]').count();
    if (!found) return ["no 语音阅读 switch (button[data-action=speak])"];
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.dataset.action === "speak");
    }
    if (!reached) return ["Tab does not reach the 语音阅读 switch"];
    if ((await switchState(page)).pressed !== "false") problems.push('the 语音阅读 switch does not start as off (aria-pressed="false")');
    await page.keyboard.press("Enter");
    await page.waitForTimeout(300);
    const spoken = await page.evaluate(() => ({
      text: (window.__spokenText ?? "").trim(),
      title: document.querySelector("main h1")?.innerText.trim() ?? "",
    }));
    if (!spoken.title || !spoken.text.startsWith(spoken.title)) {
      problems.push(`语音阅读 does not start with the title「${spoken.title}」but with「${spoken.text.slice(0, 30)}」`);
    }
    const on = await switchState(page);
    if (on.pressed === "true" && on.speaking) {
      await page.keyboard.press("Enter");
      await page.waitForTimeout(100);
      const off = await switchState(page);
      if (off.pressed !== "false" || off.speaking) problems.push("Enter does not switch 语音阅读 off again");
    } else if (on.pressed === "false" && on.status) {
      // No voice here: the failure is announced and the switch is off again.
    } else {
      problems.push(`Enter on 语音阅读 gives aria-pressed=${on.pressed}, speaking=${on.speaking}, status「${on.status}」`);
    }
  } finally {
    await context.close();
  }
  return problems;
}
