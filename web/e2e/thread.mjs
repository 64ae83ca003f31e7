// The thread view's work rows, checked on the Claude thread the main flow just ran: its Bash
// tool's output (the tool_result the server now carries) is folded in the work row and opens.

export async function run(ctx) {
  await toolOutput(ctx);
  await runPlan(ctx);
  await queueWhileRunning(ctx);
}

async function toolOutput({ page, fail }) {
  const output = page.getByTestId("work").getByTestId("tool-output").first();
  await output.waitFor();
  await output.locator("summary").click();
  const text = await output.locator("pre").textContent();
  if (!text || !text.includes("Bash completed with no output")) fail(`the tool output reads "${text}"`);
  // The head names the thread's agent, and Claude's answer says who wrote it.
  await page.getByTestId("agent-label").filter({ hasText: "claude" }).waitFor();
  await page.getByTestId("answered-by").filter({ hasText: "Claude Code" }).first().waitFor();
}

// Back on the codex thread: the start-up warnings codex repeats each session show once with a
// count, and the proposed plan's Implement sends the plan as a default-mode turn.
async function runPlan({ page, fail, shots }) {
  await page.locator(".thread-link:not(.active)").first().click();
  const plan = page.getByTestId("proposed-plan").filter({ hasText: "Paint it blue" });
  await plan.waitFor();
  await page.getByTestId("answered-by").filter({ hasText: "Codex" }).first().waitFor();
  const counts = await page.getByTestId("repeat-count").allTextContents();
  if (counts.length === 0) fail("no repeated warning shows a count");
  await plan.getByTestId("plan-implement").click();
  await page.getByTestId("message-user").filter({ hasText: "Paint it blue" }).last().waitFor();
  await page.getByTestId("message-assistant").filter({ hasText: "Implementing the plan." }).waitFor();
  if (await page.getByTestId("plan-toggle").isChecked()) fail("Implement left the thread in plan mode");
  await page.screenshot({ path: `${shots}/9c-plan-implemented.png` });
}

// While a turn runs the composer offers Steer (codex can) and Queue. A steered message joins
// the running turn (codex's turn/steer): it shows at once and is not queued. A queued message
// shows as pending and runs once the running turn is interrupted. The answer a steer cut short
// is closed and labelled.
async function queueWhileRunning({ page, fail, shots }) {
  await page.getByTestId("composer").fill("Run the long job again");
  await page.getByTestId("send").click();
  await page.getByTestId("message-assistant").filter({ hasText: "Starting the long job" }).waitFor();
  await page.getByTestId("queue").waitFor();
  await page.getByTestId("composer").fill("Also mention the steer");
  await page.getByTestId("steer").click();
  await page.getByTestId("message-user").filter({ hasText: "Also mention the steer" }).waitFor();
  // codex took it into the running turn: once the open answer ended, the model was asked again
  // within the same turn, and is answering.
  await page.getByTestId("message-assistant").filter({ hasText: "Taking the steer" }).waitFor();
  // codex dropped the answer it was writing: it is complete (no cursor) and said to be cut short.
  await page.getByTestId("activity").filter({ hasText: "Answer cut short by the steer" }).waitFor();
  await page.getByTestId("message-assistant").filter({ hasText: "Starting the long job" }).locator(".cursor").waitFor({ state: "detached" });
  await page.getByTestId("queue").waitFor();
  if ((await page.getByTestId("queued-message").count()) > 0) fail("the steered message was queued");
  await page.getByTestId("composer").fill("Then say it ran");
  await page.getByTestId("queue").click();
  await page.getByTestId("queued-message").filter({ hasText: "Then say it ran" }).waitFor();
  const queued = await page.getByTestId("queued-message").allInnerTexts();
  if (queued.length !== 1) fail(`one message should wait, not: ${JSON.stringify(queued)}`);
  await page.screenshot({ path: `${shots}/9d-queued.png` });
  await page.getByRole("button", { name: "Interrupt" }).click();
  await page.getByTestId("message-assistant").filter({ hasText: "The queued message ran." }).waitFor();
  await page.getByTestId("queued-message").waitFor({ state: "detached" });
  // The interrupt ended the steered turn mid-answer: that answer no longer looks as if it were
  // still being written.
  await page.getByTestId("message-assistant").filter({ hasText: "Taking the steer" }).locator(".cursor").waitFor({ state: "detached" });
  const failed = await page.getByTestId("activity").filter({ hasText: /steer failed/i }).count();
  if (failed > 0) fail("codex refused the steer");
}
