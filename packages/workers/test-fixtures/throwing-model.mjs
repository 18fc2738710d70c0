// A model factory for the error tests: its energy throws a plain Error when the chains evaluate it.
export function throwingModel(options) {
  return {
    energy: () => {
      throw new Error(options.message);
    },
    variables: [],
  };
}
