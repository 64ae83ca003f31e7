// The thread view's work rows, checked on the Claude thread the main flow just ran: its Bash
// tool's output (the tool_result the server now carries) is folded in the work row and opens.

export async function run(ctx) {
  await toolOutput(ctx);
  await runPlan(ctx);
}

async function toolOutput({ page, fail }) {
  const output = page.getByTestId("work").getByTestId("tool-output").first();
  await output.waitFor();
  await output.locator("summary").click();
  const text = await output.locator("pre").textContent();
  if (!text || !text.includes("Bash completed with no output")) fail(`the tool output reads "${text}"`);
  // The head names the agent that answered.
  await page.getByTestId("agent-label").filter({ hasText: "claude" }).waitFor();
}

// Back on the codex thread: the start-up warnings codex repeats each session show once with a
// count, and the proposed plan's Implement sends the plan as a default-mode turn.
async function runPlan({ page, fail, shots }) {
  await page.locator(".thread-link:not(.active)").first().click();
  const plan = page.getByTestId("proposed-plan").filter({ hasText: "Paint it blue" });
  await plan.waitFor();
  const counts = await page.getByTestId("repeat-count").allTextContents();
  if (counts.length === 0) fail("no repeated warning shows a count");
  await plan.getByTestId("plan-implement").click();
  await page.getByTestId("message-user").filter({ hasText: "Paint it blue" }).last().waitFor();
  await page.getByTestId("message-assistant").filter({ hasText: "Implementing the plan." }).waitFor();
  if (await page.getByTestId("plan-toggle").isChecked()) fail("Implement left the thread in plan mode");
  await page.screenshot({ path: `${shots}/9c-plan-implemented.png` });
}
