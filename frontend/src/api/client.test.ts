import { ApiError, request } from "./client";

function answer(status: number, body: unknown) {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/problem+json" } })));
}

async function failure(): Promise<ApiError> {
  try {
    await request("POST", "/jobs", {});
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("the request did not fail");
}

const invalid = (errors: unknown[]) => ({ title: "Invalid input", status: 422, code: "invalid-input", detail: "The request does not match the schema.", errors });

afterEach(() => vi.unstubAllGlobals());

test("a 422 exposes each refused field by its path in the body, and the message names them", async () => {
  answer(422, invalid([
    { loc: ["body", "title"], msg: "String should have at most 200 characters", type: "string_too_long" },
    { loc: ["body", "competencies", 0, "name"], msg: "Field required", type: "missing" },
  ]));
  const error = await failure();
  expect(error).toBeInstanceOf(ApiError);
  expect(error.status).toBe(422);
  expect(error.code).toBe("invalid-input");
  expect(error.fields).toEqual([
    { field: "title", message: "String should have at most 200 characters.", type: "string_too_long" },
    { field: "competencies.0.name", message: "Field required.", type: "missing" },
  ]);
  expect(error.fieldMessage("title")).toBe("String should have at most 200 characters.");
  expect(error.message).toBe("title: String should have at most 200 characters. competencies.0.name: Field required.");
});

test("a problem with the body as a whole, or unreadable JSON, names no field", async () => {
  answer(422, invalid([
    { loc: ["body"], msg: "Value error, title: leave a field out to keep it; null is refused", type: "value_error" },
    { loc: ["body", 12], msg: "JSON decode error", type: "json_invalid" },
  ]));
  const error = await failure();
  expect(error.fields.map((f) => f.field)).toEqual(["", ""]);
  expect(error.message).toBe("title: leave a field out to keep it; null is refused. JSON decode error.");
});

test("a domain problem keeps its own detail; a weak password is the password field's", async () => {
  answer(409, { title: "Conflict", status: 409, code: "invalid-transition", detail: "An interview that is completed cannot become cancelled." });
  const conflict = await failure();
  expect(conflict.message).toBe("An interview that is completed cannot become cancelled.");
  expect(conflict.fields).toEqual([]);

  answer(422, { title: "Invalid input", status: 422, code: "weak-password", detail: "It is shorter than 10 characters." });
  const weak = await failure();
  expect(weak.fieldMessage("password")).toBe("It is shorter than 10 characters.");
  expect(weak.message).toBe("It is shorter than 10 characters.");
});

test("a domain 422 that names its input in `field` is that field's problem", async () => {
  answer(422, { title: "Invalid input", status: 422, code: "model-not-allowed", field: "model_id", detail: "The 'model_id' field: 'x' is not on the model allow-list." });
  const refused = await failure();
  expect(refused.code).toBe("model-not-allowed");
  expect(refused.fieldMessage("model_id")).toBe("The 'model_id' field: 'x' is not on the model allow-list.");
  expect(refused.message).toBe("The 'model_id' field: 'x' is not on the model allow-list.");
});
