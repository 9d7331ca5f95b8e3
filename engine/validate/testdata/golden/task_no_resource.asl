{
 "StartAt": "T",
 "States": {
  "T": {
   "Type": "Task",
   "End": true
  }
 }
}