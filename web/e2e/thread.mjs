// The thread view's work rows, checked on the Claude thread the main flow just ran: its Bash
// tool's output (the tool_result the server now carries) is folded in the work row and opens.

export async function run({ page, fail }) {
  const output = page.getByTestId("work").getByTestId("tool-output").first();
  await output.waitFor();
  await output.locator("summary").click();
  const text = await output.locator("pre").textContent();
  if (!text || !text.includes("Bash completed with no output")) fail(`the tool output reads "${text}"`);
  // The head names the agent that answered.
  await page.getByTestId("agent-label").filter({ hasText: "claude" }).waitFor();
}
