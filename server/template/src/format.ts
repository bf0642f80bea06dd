import type { Todo } from './todo.js';

export function formatTodo(todo: Todo): string {
  return `${todo.done ? '[x]' : '[ ]'} ${todo.id}. ${todo.title}`;
}

export function summary(todos: readonly Todo[]): string {
  const done = todos.filter((todo) => todo.done).length;
  return `${done}/${todos.length} done`;
}
