import { formatTodo, summary } from './format.js';
import { TodoList } from './todo.js';

const list = new TodoList();
list.add('Write the first test');
list.add('Ship it');
list.complete(1);

for (const todo of list.all()) {
  console.log(formatTodo(todo));
}
console.log(summary(list.all()));
